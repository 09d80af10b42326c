// Per-IP throttles see IPv6 networks: one IPv6 client usually holds a whole
// /64 and can rotate addresses inside it at will, so every per-IP budget
// (login, register, reset, sign-in code, social, refresh) is kept per /64. Clients come in
// through X-Forwarded-For from a trusted loopback proxy, as behind a real one.
import { createServer } from 'node:net';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, type GqlResult, startTestServer, type TestServer } from '../helpers/server';
import { SOCIAL_LOGIN } from '../helpers/social';

const secrets = new SecretLog();
const servers: TestServer[] = [];
async function start(env: Record<string, string>) {
  const s = await startTestServer({ TRUST_PROXY: 'loopback', ...env });
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
/** Three spellings of addresses in 2001:db8:aa:bb::/64, and one address of the next /64. */
const SAME_64 = ['2001:db8:aa:bb::1', '2001:0DB8:00AA:00BB:FFFF:FFFF:FFFF:FFFE', '2001:db8:aa:bb:1234:5678:9abc:def0'];
const OTHER_64 = '2001:db8:aa:bc::1';
const SESSIONS = '{ sessions { ip current } }';

let n = 0;
const unique = () => `v6${Date.now().toString(36)}${(n += 1)}`;
type Attempt = (s: TestServer, ip: string) => Promise<GqlResult>;
const ATTEMPTS: Array<[string, string, string | undefined, Attempt]> = [
  ['login', 'RATE_LIMIT_LOGIN_IP', 'INVALID_CREDENTIALS', (s, ip) => s.gql(LOGIN, { username: unique(), password: 'wrong-password-x' }, from(ip))],
  [
    'register',
    'RATE_LIMIT_REGISTER',
    undefined,
    (s, ip) => {
      const name = unique();
      return s.gql(REGISTER, { input: { username: name, email: `${name}@example.test`, password: 'a fine passphrase' } }, from(ip));
    },
  ],
  [
    'requestPasswordReset',
    'RATE_LIMIT_PASSWORD_RESET_IP',
    undefined,
    (s, ip) => s.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: `${unique()}@example.test` }, from(ip)),
  ],
  [
    'requestSignInCode',
    'RATE_LIMIT_SIGN_IN_CODE_IP',
    undefined,
    (s, ip) => s.gql('mutation($e: String!) { requestSignInCode(email: $e) }', { e: `${unique()}@example.test` }, from(ip)),
  ],
  // No provider app is stored: the attempt is counted, then refused as not configured.
  ['socialLogin', 'RATE_LIMIT_SOCIAL', 'SOCIAL_AUTH_FAILED', (s, ip) => s.gql(SOCIAL_LOGIN, { provider: 'KAKAO', accessToken: 'some-access-token' }, from(ip))],
  ['refreshToken', 'RATE_LIMIT_REFRESH', 'TOKEN_INVALID', (s, ip) => s.gql(REFRESH, { refreshToken: `${unique()}.not-a-real-secret` }, from(ip))],
];

test.each(ATTEMPTS)('%s: the addresses of one IPv6 /64 share one budget; the next /64 has its own', async (_op, variable, unthrottled, attempt) => {
  const s = await start({ [variable]: '2/60' });
  expect(errorCode(await attempt(s, SAME_64[0]))).toBe(unthrottled);
  expect(errorCode(await attempt(s, SAME_64[1]))).toBe(unthrottled);
  expect(errorCode(await attempt(s, SAME_64[2]))).toBe('RATE_LIMITED');
  expect(errorCode(await attempt(s, OTHER_64))).toBe(unthrottled);
});

test('IPv4 counts per address, and an IPv4-mapped IPv6 address (either spelling) is that IPv4 address', async () => {
  const s = await start({ RATE_LIMIT_LOGIN_IP: '3/60' });
  const login = (ip: string) => s.gql(LOGIN, { username: unique(), password: 'wrong-password-x' }, from(ip));
  // 198.51.100.7 three ways: dotted, mapped dotted, mapped hex.
  for (const ip of ['198.51.100.7', '::ffff:198.51.100.7', '::ffff:c633:6407']) expect(errorCode(await login(ip))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await login('198.51.100.7'))).toBe('RATE_LIMITED');
  // Its neighbour is another client: IPv4 addresses are not grouped.
  expect(errorCode(await login('198.51.100.8'))).toBe('INVALID_CREDENTIALS');
});

test('sessions keep the full client address, not its /64', async () => {
  const s = await start({});
  const name = unique();
  const res = await s.gql(
    REGISTER,
    { input: { username: name, email: `${name}@example.test`, password: 'a fine passphrase' } },
    from('2001:db8:aa:bb:1234::abcd'),
  );
  expect(res.errors).toBeUndefined();
  secrets.add(res.data.register.token);
  secrets.add(res.data.register.refreshToken);
  const mine = await s.gql(SESSIONS, {}, { token: res.data.register.token });
  expect(mine.data.sessions).toEqual([{ ip: '2001:db8:aa:bb:1234::abcd', current: true }]);
});

/** Whether this machine can listen on the IPv6 loopback. */
async function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

test('a server listening on ::1 throttles and records its IPv6 peers (skipped without IPv6 loopback)', async () => {
  if (!(await hasIpv6Loopback())) return;
  const s = await startTestServer({ HOST: '::1', RATE_LIMIT_LOGIN_IP: '2/60' });
  servers.push(s);
  const u = await registerUser(s);
  secrets.add(u.password);
  expect((await s.gql(SESSIONS, {}, { token: u.token })).data.sessions).toEqual([{ ip: '::1', current: true }]);
  for (let i = 0; i < 2; i++) expect(errorCode(await s.gql(LOGIN, { username: u.user.username, password: 'wrong-password-x' }))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await s.gql(LOGIN, { username: u.user.username, password: u.password }))).toBe('RATE_LIMITED');
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.size).toBeGreaterThan(0);
  expect(secrets.leakedIn(servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
