// A walk through the token lifecycle against a running authql, printing one
// JSON line per step (the repository's test reads them):
// sign in → query → wait for the access token to expire → three queries at
// once (all fail with TOKEN_EXPIRED, one refresh, three retries) → the
// session is revoked elsewhere → the next refresh is refused → signed out.
//   AUTHQL_URL=http://127.0.0.1:4000/graphql AUTHQL_USERNAME=alice AUTHQL_PASSWORD=… npm start
import { ApolloError } from '@apollo/client/core';
import { createClient } from './client';
import { MeDocument, RevokeTokenDocument, UsersDocument } from './gql/graphql';

const log = (event: string, data: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...data }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { AUTHQL_URL: uri = 'http://127.0.0.1:4000/graphql', AUTHQL_USERNAME: username, AUTHQL_PASSWORD: password } = process.env;
  if (!username || !password) throw new Error('Set AUTHQL_USERNAME and AUTHQL_PASSWORD.');
  const counts = { refreshes: 0, retries: 0 };
  const client = createClient(uri, {
    refreshed: () => log('refreshed', { refreshes: ++counts.refreshes }),
    retried: (operation) => log('retried', { operation, retries: ++counts.retries }),
    signedOut: (reason) => log('signedOut', { reason }),
  });
  const { apollo, session } = client;
  const waitForExpiry = async () => {
    await sleep(Math.max(0, (session.expiresAt ?? 0) * 1000 - Date.now()) + 250);
    log('accessTokenExpired');
  };

  await client.signIn(username, password);
  const me = await apollo.query({ query: MeDocument, fetchPolicy: 'network-only' });
  log('signedIn', { username: me.data.me?.username });

  await waitForExpiry();
  const before = { ...counts };
  const burst = await Promise.all([
    apollo.query({ query: UsersDocument, variables: { first: 1 }, fetchPolicy: 'network-only' }),
    apollo.query({ query: UsersDocument, variables: { first: 2 }, fetchPolicy: 'network-only' }),
    apollo.query({ query: UsersDocument, variables: { first: 3 }, fetchPolicy: 'network-only' }),
  ]);
  log('burst', {
    totalCounts: burst.map((r) => r.data.users.totalCount),
    refreshes: counts.refreshes - before.refreshes,
    retries: counts.retries - before.retries,
  });

  // Another device (or an admin) ends this session; the app finds out at its next refresh.
  await apollo.mutate({ mutation: RevokeTokenDocument, variables: { refreshToken: session.refreshToken! }, context: { skipAuth: true } });
  await waitForExpiry();
  try {
    await apollo.query({ query: UsersDocument, variables: { first: 4 }, fetchPolicy: 'network-only' });
    log('unexpectedSuccess');
  } catch (err) {
    const code = err instanceof ApolloError ? err.graphQLErrors[0]?.extensions?.code : String(err);
    log('queryFailed', { code, signedIn: session.token !== null });
  }
  log('done', counts);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
