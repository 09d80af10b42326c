// Password re-checks are throttled (issue 11, point 6): with a stolen access
// token, the current-password checks of changePassword, updateMe, deleteMe
// and connectSocialAccount must not become an unthrottled guessing oracle.
// Wrong passwords count per user, sign-in's default budget, before any hashing.
import { loadConfig } from '../../src/config';
import { registerUser } from '../helpers/fixtures';
import { hashesSoFar } from '../helpers/measure';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, type GqlResult, TEST_SECRET } from '../helpers/server';
import { CONNECT, newToken, type SocialSetup, startSocialServer } from '../helpers/social';

const CHANGE_PASSWORD = `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { token } }`;
const UPDATE_EMAIL = `mutation($e: String!, $p: String) { updateMe(input: { email: $e, password: $p }) { email } }`;
const DELETE_ME = `mutation($p: String!) { deleteMe(password: $p) }`;
const secrets = new SecretLog();
let s: SocialSetup;
beforeAll(async () => {
  s = await startSocialServer({ ACCOUNT_EMAIL_VERIFICATION: 'none', RATE_LIMIT_REAUTH: '5/300' });
});
afterAll(() => s.stop());

let n = 0;
type User = Awaited<ReturnType<typeof registerUser>>;
const attempts = {
  changePassword: (u: User, p: string) => s.server.gql(CHANGE_PASSWORD, { o: p, n: 'a-fresh-passphrase-for-me' }, { token: u.token }),
  updateMe: (u: User, p: string) => s.server.gql(UPDATE_EMAIL, { e: `moved${++n}@example.test`, p }, { token: u.token }),
  deleteMe: (u: User, p: string) => s.server.gql(DELETE_ME, { p }, { token: u.token }),
  connectSocialAccount: (u: User, p: string) =>
    s.server.gql(
      CONNECT,
      { provider: 'KAKAO', accessToken: s.kakao.add(newToken('kakao'), { user: { id: 8100000000 + ++n } }), password: p },
      { token: u.token },
    ),
};
const wrong = (i: number) => `wrong-password-${i}`;

function expectLimited(res: GqlResult) {
  expect(firstError(res)?.extensions?.code).toBe('RATE_LIMITED');
  expect(firstError(res)?.extensions?.retryAfter).toBeGreaterThan(250);
  expect(firstError(res)?.extensions?.retryAfter).toBeLessThanOrEqual(300);
}

test('five wrong current passwords lock every re-check of that user for the window, even the right password', async () => {
  const u = await registerUser(s.server);
  secrets.add(u.password);
  for (let i = 0; i < 5; i++)
    expect(firstError(await attempts.changePassword(u, wrong(i)))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'oldPassword' });
  expectLimited(await attempts.changePassword(u, u.password));
  for (const attempt of Object.values(attempts)) expectLimited(await attempt(u, u.password));
  // Another user is not affected.
  const v = await registerUser(s.server);
  expect((await attempts.updateMe(v, v.password)).errors).toBeUndefined();
});

test('the budget is one per user, shared by all four operations', async () => {
  const u = await registerUser(s.server);
  const order = ['updateMe', 'deleteMe', 'connectSocialAccount', 'updateMe', 'deleteMe'] as const;
  for (const [i, name] of order.entries()) {
    expect(firstError(await attempts[name](u, wrong(i)))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
  }
  expectLimited(await attempts.changePassword(u, wrong(9)));
});

test('a throttled attempt costs no hashing, and an over-long password is refused without any', async () => {
  const u = await registerUser(s.server);
  for (let i = 0; i < 5; i++) await attempts.deleteMe(u, wrong(i));
  const before = await hashesSoFar(s.server);
  for (const attempt of Object.values(attempts)) expectLimited(await attempt(u, wrong(7)));
  expect(await hashesSoFar(s.server)).toBe(before);

  const v = await registerUser(s.server);
  const long = 'x'.repeat(300);
  const start = await hashesSoFar(s.server);
  for (const [name, attempt] of Object.entries(attempts)) {
    const res = await attempt(v, long);
    expect([name, errorCode(res)]).toEqual([name, 'BAD_USER_INPUT']);
  }
  expect(await hashesSoFar(s.server)).toBe(start);
});

test('the right password gives its attempt back and clears earlier failures, as sign-in does', async () => {
  const u = await registerUser(s.server);
  for (let i = 0; i < 4; i++) await attempts.updateMe(u, wrong(i));
  expect((await attempts.updateMe(u, u.password)).errors).toBeUndefined();
  for (let i = 0; i < 5; i++) expect(errorCode(await attempts.deleteMe(u, wrong(i)))).toBe('BAD_USER_INPUT');
  expect(errorCode(await attempts.deleteMe(u, wrong(5)))).toBe('RATE_LIMITED');
});

test('RATE_LIMIT_REAUTH defaults to sign-in’s 5 per 5 minutes, and can be set or switched off', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET_KEY: TEST_SECRET };
  expect(loadConfig(base).rateLimits).toMatchObject({ reauth: { limit: 5, window: 300 } });
  expect(loadConfig({ ...base, RATE_LIMIT_REAUTH: '3/60' }).rateLimits).toMatchObject({ reauth: { limit: 3, window: 60 } });
  expect(loadConfig({ ...base, RATE_LIMIT_REAUTH: 'off' }).rateLimits).toMatchObject({ reauth: null });
  expect(() => loadConfig({ ...base, RATE_LIMIT_REAUTH: 'many' })).toThrow(/RATE_LIMIT_REAUTH must look like 5\/300/);
});

test('no secret reached the logs', () => {
  expect(secrets.size).toBeGreaterThan(0);
  expect(secrets.leakedIn(s.server.logs.join('\n'))).toEqual([]);
});
