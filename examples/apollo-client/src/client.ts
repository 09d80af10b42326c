// An Apollo Client for authql with typed operations (src/gql/, from
// `npm run codegen`), the auth links, and sign-in/refresh/sign-out helpers.
// A sign-in of an account with a second factor answers SECOND_FACTOR_REQUIRED
// with a challenge; signIn then asks `secondFactor` for a code and finishes
// with verifySecondFactor.
import { ApolloClient, ApolloError, HttpLink, InMemoryCache, type NormalizedCacheObject } from '@apollo/client/core';
import { LoginDocument, LogoutDocument, RefreshTokenDocument, VerifySecondFactorDocument } from './gql/graphql';
import { authLinks } from './links';
import { Session } from './session';

export interface AuthqlClient {
  apollo: ApolloClient<NormalizedCacheObject>;
  session: Session;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/** What SECOND_FACTOR_REQUIRED carries (extensions). */
export interface SecondFactorChallenge {
  challengeToken: string;
  /** TOTP, RECOVERY_CODE, PASSKEY: what this account can answer with. */
  methods: string[];
  /** Unix seconds: the challenge's end (5 minutes). */
  expiresAt: number;
}

/** The user's answer: a code from their authenticator app, or one of their recovery codes. */
export type SecondFactorAnswer = { code: string } | { recoveryCode: string };

export interface ClientEvents {
  /** Asked when the account has a second factor; without it such a sign-in fails. */
  secondFactor?(challenge: SecondFactorChallenge): Promise<SecondFactorAnswer>;
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
      let tokens: { token?: string | null; refreshToken?: string | null } | undefined;
      try {
        const { data } = await apollo.mutate({ mutation: LoginDocument, variables: { username, password }, context: { skipAuth: true } });
        tokens = data?.login;
      } catch (err) {
        const challenge = secondFactorChallenge(err);
        if (!challenge || !events.secondFactor) throw err;
        const answer = await events.secondFactor(challenge);
        const { data } = await apollo.mutate({
          mutation: VerifySecondFactorDocument,
          variables: { challengeToken: challenge.challengeToken, ...answer },
          context: { skipAuth: true },
        });
        tokens = data?.verifySecondFactor;
      }
      if (!tokens?.token || !tokens.refreshToken) throw new Error('authql answered without tokens (cookie mode?)');
      session.set({ token: tokens.token, refreshToken: tokens.refreshToken });
    },
    async signOut() {
      const refreshToken = session.refreshToken;
      session.signOut('SIGNED_OUT');
      if (refreshToken) await apollo.mutate({ mutation: LogoutDocument, variables: { refreshToken }, context: { skipAuth: true } });
      await apollo.clearStore();
    },
  };
}

/** The challenge of a SECOND_FACTOR_REQUIRED refusal; null for any other error. */
function secondFactorChallenge(err: unknown): SecondFactorChallenge | null {
  if (!(err instanceof ApolloError)) return null;
  const ext = err.graphQLErrors[0]?.extensions;
  if (ext?.code !== 'SECOND_FACTOR_REQUIRED' || typeof ext.challengeToken !== 'string') return null;
  return { challengeToken: ext.challengeToken, methods: Array.isArray(ext.methods) ? ext.methods.map(String) : [], expiresAt: Number(ext.expiresAt) };
}
