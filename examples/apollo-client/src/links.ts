// The two links that make authql's tokens invisible to the rest of the app:
// - authLink puts `Authorization: JWT <token>` on every request;
// - errorLink, on UNAUTHENTICATED with extensions.reason TOKEN_EXPIRED, calls
//   refreshToken once (requests failing at the same time wait for that one
//   call), then retries each failed request once with the new token. A token
//   the server calls invalid, or a refresh it refuses (REFRESH_TOKEN_REUSED,
//   TOKEN_INVALID, TOKEN_EXPIRED), signs the session out.
import { ApolloLink, Observable, type FetchResult } from '@apollo/client/core';
import { setContext } from '@apollo/client/link/context';
import { onError } from '@apollo/client/link/error';
import type { Session } from './session';

export interface AuthContext {
  /** The refresh call itself goes out without the (expired) access token and is never retried. */
  skipAuth?: boolean;
  /** The access token this request was sent with. */
  sentToken?: string | null;
  retried?: boolean;
}

export function authLinks(session: Session, refreshOnce: () => Promise<boolean>, onRetry: (operation: string) => void): ApolloLink {
  const authLink = setContext((_, context: AuthContext & { headers?: Record<string, string> }) => {
    if (context.skipAuth || !session.token) return { sentToken: null };
    return { sentToken: session.token, headers: { ...context.headers, authorization: `JWT ${session.token}` } };
  });

  const errorLink = onError(({ graphQLErrors, operation, forward, response }) => {
    const context = operation.getContext() as AuthContext;
    if (context.skipAuth || context.retried || !graphQLErrors) return;
    const reasons = graphQLErrors.filter((e) => e.extensions?.code === 'UNAUTHENTICATED').map((e) => e.extensions?.reason);
    if (reasons.includes('TOKEN_INVALID') || reasons.includes('USER_INACTIVE')) {
      session.signOut(String(reasons.find((r) => r !== 'TOKEN_EXPIRED')));
      return;
    }
    if (!reasons.includes('TOKEN_EXPIRED') || !session.refreshToken) return;
    return new Observable<FetchResult>((observer) => {
      let retry: { unsubscribe(): void } | undefined;
      // A request that failed after another one already refreshed just retries with the new token.
      const fresh = session.token !== context.sentToken ? Promise.resolve(true) : refreshOnce();
      fresh.then((ok) => {
        if (!ok || !session.token) {
          if (response) observer.next(response);
          observer.complete();
          return;
        }
        onRetry(operation.operationName);
        operation.setContext({ retried: true });
        retry = forward(operation).subscribe(observer);
      }, (err: unknown) => observer.error(err));
      return () => retry?.unsubscribe();
    });
  });

  return ApolloLink.from([errorLink, authLink]);
}
