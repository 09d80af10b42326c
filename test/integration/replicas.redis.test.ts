// Two replicas of the real server, as separate processes, on one database
// and one Redis: a session moves freely between them, a revocation on one is
// seen by the other, and throttling is counted across both.
import { randomBytes } from 'node:crypto';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { LOGIN, REFRESH, REGISTER, REVOKE, USERS } from '../helpers/operations';
import { gqlAt, spawnServer, type ServerProcess } from '../helpers/process';
import { testEnv } from '../helpers/server';

let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  const env = {
    ...process.env,
    ...testEnv(
      {
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `authql-test-${randomBytes(6).toString('hex')}:`,
        RATE_LIMIT_LOGIN_ACCOUNT: '5/300',
        JWT_REFRESH_REUSE_INTERVAL: '0',
      },
      db.url,
    ),
  } as NodeJS.ProcessEnv;
  a = await spawnServer(env); // runs the migrations
  b = await spawnServer({ ...env, AUTO_MIGRATE: 'false' });
});
afterAll(async () => {
  expect(await a?.stop()).toBe(0);
  expect(await b?.stop()).toBe(0);
  await db?.drop();
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

test('/readyz checks Redis too', async () => {
  const ready = (await (await fetch(`${a.origin}/readyz`)).json()) as any;
  expect(ready).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
});
