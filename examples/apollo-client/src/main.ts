// A walk through the token lifecycle against a running authql, one line per
// step: sign in → query → wait for the access token to expire → three
// queries at once (all fail with TOKEN_EXPIRED, one refresh, three retries)
// → the session is revoked elsewhere → the next refresh is refused → signed
// out. The waits last as long as the server's access tokens, so start authql
// with JWT_EXPIRATION_DELTA=5; tokens longer than AUTHQL_MAX_WAIT (30 s)
// skip the waiting steps and say so. `--json` prints JSON lines (the
// repository's test reads them). Failures are one line and exit 1.
// An account with a second factor: the code comes from AUTHQL_TOTP_CODE (or
// AUTHQL_RECOVERY_CODE), else it is asked for on stdin.
//   AUTHQL_URL=http://127.0.0.1:4000/graphql AUTHQL_USERNAME=alice AUTHQL_PASSWORD=… npm start
import { createInterface } from 'node:readline/promises';
import { createClient, type SecondFactorAnswer, type SecondFactorChallenge } from './client';
import { describeFailure } from './failures';
import { MeDocument, RevokeTokenDocument, UsersDocument } from './gql/graphql';

const json = process.argv.includes('--json');
const log = (event: string, data: Record<string, unknown>, text: string) => console.log(json ? JSON.stringify({ event, ...data }) : text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The second factor's answer: from the environment, else typed on stdin (six digits: TOTP; anything else: a recovery code). */
async function askSecondFactor(challenge: SecondFactorChallenge): Promise<SecondFactorAnswer> {
  const { AUTHQL_TOTP_CODE: code, AUTHQL_RECOVERY_CODE: recoveryCode } = process.env;
  const from = code || recoveryCode ? 'env' : 'stdin';
  log('secondFactor', { methods: challenge.methods, from }, `this account has a second factor (${challenge.methods.join(', ')})`);
  if (code) return { code };
  if (recoveryCode) return { recoveryCode };
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const typed = (await rl.question('Code from your authenticator app (or a recovery code): ')).trim();
    return /^\d{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed };
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  const { AUTHQL_URL: uri = 'http://127.0.0.1:4000/graphql', AUTHQL_USERNAME: username, AUTHQL_PASSWORD: password, AUTHQL_MAX_WAIT: maxWaitText = '30' } = process.env;
  const maxWait = Number(maxWaitText);
  if (!username || !password || !Number.isFinite(maxWait)) {
    console.error('Set AUTHQL_USERNAME and AUTHQL_PASSWORD to an account on the server (AUTHQL_MAX_WAIT, if set, is a number of seconds); see README.md.');
    return 2;
  }
  const counts = { refreshes: 0, retries: 0 };
  const client = createClient(uri, {
    secondFactor: askSecondFactor,
    refreshed: () => log('refreshed', { refreshes: ++counts.refreshes }, `  refreshed the tokens (refresh #${counts.refreshes})`),
    retried: (operation) => log('retried', { operation, retries: ++counts.retries }, `  retried ${operation} with the new token`),
    signedOut: (reason) => log('signedOut', { reason }, `  signed out: ${reason}`),
  });
  const { apollo, session } = client;
  const waitForExpiry = async () => {
    await sleep(Math.max(0, (session.expiresAt ?? 0) * 1000 - Date.now()) + 250);
    log('accessTokenExpired', {}, 'the access token has expired');
  };

  await client.signIn(username, password);
  const me = await apollo.query({ query: MeDocument, fetchPolicy: 'network-only' });
  const lifetime = session.lifetime ?? 0;
  log('signedIn', { username: me.data.me?.username }, `signed in as ${me.data.me?.username} (the access token lives ${lifetime} s)`);

  if (lifetime > maxWait) {
    const hint = `the access token lives ${lifetime} s, longer than AUTHQL_MAX_WAIT=${maxWait}: skipped the refresh steps. Start authql with JWT_EXPIRATION_DELTA=5 to see them in seconds, or raise AUTHQL_MAX_WAIT.`;
    log('skipped', { lifetime, maxWait }, hint);
    await client.signOut();
    log('done', counts, 'signed out; done');
    return 0;
  }

  await waitForExpiry();
  const before = { ...counts };
  const burst = await Promise.all(
    [1, 2, 3].map((first) => apollo.query({ query: UsersDocument, variables: { first }, fetchPolicy: 'network-only' })),
  );
  const totalCounts = burst.map((r) => r.data.users.totalCount);
  const refreshes = counts.refreshes - before.refreshes;
  const retries = counts.retries - before.retries;
  log('burst', { totalCounts, refreshes, retries }, `three queries at once after expiry: ${refreshes} refresh, ${retries} retries, totalCount ${totalCounts.join(', ')}`);

  // Another device (or an admin) ends this session; the app finds out at its next refresh.
  await apollo.mutate({ mutation: RevokeTokenDocument, variables: { refreshToken: session.refreshToken! }, context: { skipAuth: true } });
  log('revoked', {}, 'the session was revoked elsewhere');
  await waitForExpiry();
  try {
    await apollo.query({ query: UsersDocument, variables: { first: 4 }, fetchPolicy: 'network-only' });
    log('unexpectedSuccess', {}, 'unexpected: the query succeeded');
  } catch (err) {
    const code = (err as { graphQLErrors?: Array<{ extensions?: { code?: unknown } }> }).graphQLErrors?.[0]?.extensions?.code ?? String(err);
    log('queryFailed', { code, signedIn: session.token !== null }, `the next query failed with ${String(code)}; the app shows its sign-in screen`);
  }
  log('done', counts, `done: ${counts.refreshes} refresh, ${counts.retries} retries`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(describeFailure(err, process.env.AUTHQL_URL ?? 'http://127.0.0.1:4000/graphql'));
    process.exit(1);
  },
);
