// Two replicas of the real server, as separate processes, on one database
// and one Redis: a session moves freely between them, a revocation on one is
// seen by the other, and throttling is counted across both.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { type FakeJwks, startGoogleKeys } from '../helpers/fake-jwks';
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { LOGIN, REFRESH, REGISTER, REVOKE, USERS } from '../helpers/operations';
import { gqlAt, ROOT, type ServerProcess, spawnServer } from '../helpers/process';
import { testEnv } from '../helpers/server';
import { CLIENT_IDS, SOCIAL_LOGIN } from '../helpers/social';

const GOOGLE_CLIENT = CLIENT_IDS.GOOGLE[0];
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let google: FakeJwks;

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  google = await startGoogleKeys();
  const env = {
    ...process.env,
    ...testEnv(
      {
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `authql-test-${randomBytes(6).toString('hex')}:`,
        RATE_LIMIT_LOGIN_ACCOUNT: '5/300',
        JWT_REFRESH_REUSE_INTERVAL: '0',
        JWT_REFRESH_RETRY_WINDOW: '0',
        GOOGLE_JWKS_URL: google.jwksUrl,
      },
      db.url,
    ),
  } as NodeJS.ProcessEnv;
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'dist/src/cli/manage.js'), 'socialapp:add', '--provider', 'google', '--name', 'G', '--client-id', GOOGLE_CLIENT],
    { env },
  );
  a = await spawnServer(env);
  b = await spawnServer({ ...env, AUTO_MIGRATE: 'false' });
});
afterAll(async () => {
  expect(await a?.stop()).toBe(0);
  expect(await b?.stop()).toBe(0);
  await db?.drop();
  await google?.stop();
});

test('sign in on one replica, refresh on the other, revoke on the first: the second refuses', async () => {
  const reg = await gqlAt(a.url, REGISTER, { input: { username: 'replicated', email: 'replicated@example.test', password: GOOD_PASSWORD } });
  const first = reg.data.register;
  expect((await gqlAt(b.url, USERS, {}, first.token)).errors).toBeUndefined();
  const refreshed = (await gqlAt(b.url, REFRESH, { refreshToken: first.refreshToken })).data.refreshToken;
  expect(refreshed.user.username).toBe('replicated');
  // The rotated token is dead on the first replica too (reuse → session ended).
  expect((await gqlAt(a.url, REFRESH, { refreshToken: first.refreshToken })).errors[0].extensions.code).toBe('REFRESH_TOKEN_REUSED');

  const login = (await gqlAt(a.url, LOGIN, { username: 'replicated', password: GOOD_PASSWORD })).data.login;
  expect((await gqlAt(a.url, REVOKE, { refreshToken: login.refreshToken })).data.revokeToken).toBe(true);
  expect((await gqlAt(b.url, REFRESH, { refreshToken: login.refreshToken })).errors[0].extensions.code).toBe('TOKEN_INVALID');
  expect((await gqlAt(b.url, USERS, {}, login.token)).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
});

test('failed sign-ins are counted across both replicas (Redis)', async () => {
  await gqlAt(a.url, REGISTER, { input: { username: 'shared-limit', email: 'shared-limit@example.test', password: GOOD_PASSWORD } });
  const fail = (url: string, i: number) => gqlAt(url, LOGIN, { username: 'shared-limit', password: `wrong-${i}-password` });
  for (let i = 0; i < 5; i++) expect((await fail(i % 2 ? b.url : a.url, i)).errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
  for (const url of [a.url, b.url]) {
    const res = await gqlAt(url, LOGIN, { username: 'shared-limit', password: GOOD_PASSWORD });
    expect(res.errors[0].extensions.code).toBe('RATE_LIMITED');
  }
});

test('an ID token used on one replica is refused on the other (shared replay cache)', async () => {
  const idToken = google.sign({ sub: 'google-replica-1', aud: GOOGLE_CLIENT, email: 'r1@gmail.example', email_verified: true, name: 'Replica One' });
  const first = await gqlAt(a.url, SOCIAL_LOGIN, { provider: 'GOOGLE', idToken });
  expect(first.errors).toBeUndefined();
  const again = await gqlAt(b.url, SOCIAL_LOGIN, { provider: 'GOOGLE', idToken });
  expect(again.errors[0].extensions).toMatchObject({ code: 'SOCIAL_AUTH_FAILED', reason: 'TOKEN_REJECTED' });
});

test('/readyz checks Redis too', async () => {
  const ready = (await (await fetch(`${a.origin}/readyz`)).json()) as any;
  expect(ready).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
});
