// An Apollo Client for authql with typed operations (src/gql/, from
// `npm run codegen`), the auth links, and sign-in/refresh/sign-out helpers.
import { ApolloClient, HttpLink, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core';
import { LoginDocument, LogoutDocument, RefreshTokenDocument } from './gql/graphql';
import { authLinks } from './links';
import { Session } from './session';

export interface AuthqlClient {
  apollo: ApolloClient<NormalizedCacheObject>;
  session: Session;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

export interface ClientEvents {
  refreshed?(): void;
  retried?(operation: string): void;
  signedOut?(reason: string): void;
}

export function createClient(uri: string, events: ClientEvents = {}): AuthqlClient {
  const session = new Session((reason) => events.signedOut?.(reason));
  let inFlight: Promise<boolean> | null = null;

  /** At most one refresh at a time: concurrent callers share the promise. */
  const refreshOnce = (): Promise<boolean> =>
    (inFlight ??= refresh().finally(() => {
      inFlight = null;
    }));

  const refresh = async (): Promise<boolean> => {
    const refreshToken = session.refreshToken;
    if (!refreshToken) return false;
    const { data, errors } = await apollo.mutate({
      mutation: RefreshTokenDocument,
      variables: { refreshToken },
      context: { skipAuth: true },
      fetchPolicy: 'no-cache',
      errorPolicy: 'all',
    });
    const next = data?.refreshToken;
    if (next?.token && next.refreshToken) {
      session.set({ token: next.token, refreshToken: next.refreshToken });
      events.refreshed?.();
      return true;
    }
    // REFRESH_TOKEN_REUSED, TOKEN_INVALID or TOKEN_EXPIRED: this session is over.
    session.signOut(String(errors?.[0]?.extensions?.code ?? 'REFRESH_FAILED'));
    return false;
  };

  const apollo = new ApolloClient({
    link: authLinks(session, refreshOnce, (op) => events.retried?.(op)).concat(new HttpLink({ uri })),
    cache: new InMemoryCache(),
  });

  return {
    apollo,
    session,
    async signIn(username, password) {
      const { data } = await apollo.mutate({ mutation: LoginDocument, variables: { username, password }, context: { skipAuth: true } });
      const login = data?.login;
      if (!login?.token || !login.refreshToken) throw new Error('authql answered without tokens (cookie mode?)');
      session.set({ token: login.token, refreshToken: login.refreshToken });
    },
    async signOut() {
      const refreshToken = session.refreshToken;
      session.signOut('SIGNED_OUT');
      if (refreshToken) await apollo.mutate({ mutation: LogoutDocument, variables: { refreshToken }, context: { skipAuth: true } });
      await apollo.clearStore();
    },
  };
}
