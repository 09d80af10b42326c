// Brute-force throttling: per account, per IP, per attempt (aliases count),
// before hashing, and not fooled by a forged X-Forwarded-For.
import { randomBytes } from 'node:crypto';
import { registerUser } from '../helpers/fixtures';
import { hashesSoFar, minimum, timed } from '../helpers/measure';
import { LOGIN, REFRESH, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';

const secrets = new SecretLog();
const servers: TestServer[] = [];
const LIMITS = { RATE_LIMIT_LOGIN_ACCOUNT: '5/300', RATE_LIMIT_LOGIN_IP: '20/60' };
async function start(env: Record<string, string> = {}) {
  const s = await startTestServer({ ...LIMITS, ...env });
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));

const login = (s: TestServer, username: string, password: string, headers: Record<string, string> = {}) => s.gql(LOGIN, { username, password }, { headers });

test('five failures lock the account for the window, even for the right password', async () => {
  const s = await start();
  const u = await registerUser(s);
  secrets.add(u.password);
  for (let i = 0; i < 5; i++) expect(errorCode(await login(s, u.user.username, `wrong-${i}-password`))).toBe('INVALID_CREDENTIALS');
  const locked = await login(s, u.user.username, u.password);
  expect(firstError(locked)?.extensions?.code).toBe('RATE_LIMITED');
  expect(firstError(locked)?.extensions?.retryAfter).toBeGreaterThan(250);
  expect(firstError(locked)?.extensions?.retryAfter).toBeLessThanOrEqual(300);
  // Another spelling of the same account is the same account.
  expect(errorCode(await login(s, u.user.username.toUpperCase(), u.password))).toBe('RATE_LIMITED');
  // Other accounts are unaffected.
  const v = await registerUser(s);
  expect((await login(s, v.user.username, v.password)).errors).toBeUndefined();
});

test('a successful sign-in clears the account’s failures', async () => {
  const s = await start();
  const u = await registerUser(s);
  for (let i = 0; i < 4; i++) await login(s, u.user.username, 'wrong-password-x');
  expect((await login(s, u.user.username, u.password)).errors).toBeUndefined();
  for (let i = 0; i < 4; i++) expect(errorCode(await login(s, u.user.username, 'wrong-password-x'))).toBe('INVALID_CREDENTIALS');
});

test('the throttle answers before any password hashing', async () => {
  const s = await start();
  const u = await registerUser(s);
  const hashed: number[] = [];
  const throttled: number[] = [];
  for (let i = 0; i < 12; i++) {
    const before = await hashesSoFar(s);
    let code: unknown;
    const ns = await timed(async () => {
      code = errorCode(await login(s, u.user.username, 'wrong-password-x'));
    });
    const hashes = (await hashesSoFar(s)) - before;
    // A throttled attempt computes no hash at all; a counted one exactly one.
    expect(hashes).toBe(code === 'RATE_LIMITED' ? 0 : 1);
    (code === 'RATE_LIMITED' ? throttled : hashed).push(ns);
  }
  expect(hashed).toHaveLength(5);
  expect(minimum(throttled) / minimum(hashed)).toBeLessThan(0.5);
});

test('twenty failures from one IP throttle it across accounts', async () => {
  const s = await start();
  for (let i = 0; i < 20; i++) expect(errorCode(await login(s, `nobody${i}`, 'wrong-password-x'))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await login(s, 'nobody-else', 'wrong-password-x'))).toBe('RATE_LIMITED');
});

test('a forged X-Forwarded-For does not get around the IP limit without TRUST_PROXY', async () => {
  const s = await start();
  for (let i = 0; i < 20; i++) await login(s, `spoof${i}`, 'wrong-password-x', { 'x-forwarded-for': `203.0.113.${i}` });
  expect(errorCode(await login(s, 'spoof-x', 'wrong-password-x', { 'x-forwarded-for': '198.51.100.7' }))).toBe('RATE_LIMITED');
});

test('with TRUST_PROXY the forwarded client address is what counts', async () => {
  const s = await start({ TRUST_PROXY: 'loopback' });
  for (let i = 0; i < 20; i++) await login(s, `proxied${i}`, 'wrong-password-x', { 'x-forwarded-for': '203.0.113.9' });
  expect(errorCode(await login(s, 'proxied-x', 'wrong-password-x', { 'x-forwarded-for': '203.0.113.9' }))).toBe('RATE_LIMITED');
  // Another client behind the same proxy still gets in.
  expect(errorCode(await login(s, 'proxied-y', 'wrong-password-x', { 'x-forwarded-for': '203.0.113.10' }))).toBe('INVALID_CREDENTIALS');
  // The client cannot prepend its own entries: only the right-most untrusted hop counts.
  expect(errorCode(await login(s, 'proxied-z', 'wrong-password-x', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }))).toBe('RATE_LIMITED');
});

test('a hundred aliased login fields never buy a hundred guesses', async () => {
  const s = await start({ GRAPHQL_MAX_ALIASES: '200', GRAPHQL_MAX_SELECTION_FIELDS: '200' });
  const u = await registerUser(s);
  const fields = Array.from({ length: 100 }, (_, i) => `a${i}: login(username: $u, password: "guess-${i}-pw") { token }`).join(' ');
  const doc = `mutation($u: String!) { ${fields} }`;
  // Mutation fields run one after another and login is non-null: the first
  // failure ends the document. Each one that ran was counted: after five
  // documents the account is locked, not after five hundred guesses.
  for (let i = 0; i < 5; i++) {
    const res = await s.gql(doc, { u: u.user.username });
    expect((res.errors ?? []).map((e) => e.extensions?.code)).toEqual(['INVALID_CREDENTIALS']);
  }
  expect(errorCode(await s.gql(doc, { u: u.user.username }))).toBe('RATE_LIMITED');
  expect(errorCode(await login(s, u.user.username, u.password))).toBe('RATE_LIMITED');
  // With the default limits the document is refused before it runs at all.
  const d = await start();
  expect((await d.gql(doc, { u: u.user.username })).status).toBe(400);
});

test('register, requestPasswordReset, refreshToken are throttled too', async () => {
  const s = await start({ RATE_LIMIT_REGISTER: '2/60', RATE_LIMIT_PASSWORD_RESET_EMAIL: '2/60', RATE_LIMIT_REFRESH: '3/60' });
  const reg = (n: string) => s.gql(REGISTER, { input: { username: n, email: `${n}@example.test`, password: 'a fine passphrase' } });
  expect((await reg('thr1')).errors).toBeUndefined();
  expect((await reg('thr2')).errors).toBeUndefined();
  expect(errorCode(await reg('thr3'))).toBe('RATE_LIMITED');
  const reset = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
  expect((await s.gql(reset, { e: 'victim@example.test' })).data.requestPasswordReset).toBe(true);
  await s.gql(reset, { e: 'victim@example.test' });
  expect(errorCode(await s.gql(reset, { e: 'VICTIM@example.test' }))).toBe('RATE_LIMITED');
  for (let i = 0; i < 3; i++) await s.gql(REFRESH, { refreshToken: `x${i}.${randomBytes(32).toString('base64url')}` });
  expect(errorCode(await s.gql(REFRESH, { refreshToken: 'whatever' }))).toBe('RATE_LIMITED');
  expect(await s.app.services.metrics.registry.getSingleMetricAsString('authql_rate_limited_total')).toMatch(/rule="register"} 1/);
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
