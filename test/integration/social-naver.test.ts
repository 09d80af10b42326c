// Naver sign-in with access tokens over real HTTP against a fake Naver Open
// API on loopback. Naver documents no way to ask which app a token was
// issued to; these tests pin what limits the damage instead (README, "Naver").
import { User } from '../../src/entities';
import type { FakeMode } from '../helpers/fake-http';
import type { NaverUser } from '../helpers/fake-naver';
import { registerUser } from '../helpers/fixtures';
import { firstError } from '../helpers/server';
import { idTokenLogin, newToken, rowCounts, SOCIAL_LOGIN, socialLogin, updateUser, useSocialServer } from '../helpers/social';

const s = useSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true' });
let next = 0;
/** Naver ids of apps made since May 2021 are base64-like strings of up to 64 characters. */
const naverUser = (extra: Partial<NaverUser> = {}): NaverUser => ({
  id: `Nv+${++next}/AbCdEf_${Date.now().toString(36)}=`,
  nickname: `naver${next}`,
  name: '홍길동',
  ...extra,
});
const token = (entry: Parameters<typeof s.naver.add>[1]) => s.naver.add(newToken('AAAAN'), entry);
const failedWith = (why: string) => ({ code: 'SOCIAL_AUTH_FAILED', reason: why });

test('a new Naver user gets an account named after the nickname; the next sign-in returns it', async () => {
  const user = naverUser({ email: `n${next}@naver.example`, image: 'https://phinf.pstatic.example/p.png' });
  const access = token({ user });
  const first = await socialLogin(s.server, 'NAVER', access);
  expect(first.errors).toBeUndefined();
  const out = first.data.socialLogin;
  expect(out).toMatchObject({ isNewUser: true, user: { username: user.nickname, email: user.email }, socialAccount: { provider: 'NAVER', uid: user.id } });
  expect(out.socialAccount.extraData).toMatchObject({ id: user.id, nickname: user.nickname });
  expect(s.naver.calls.map((c) => `${c.method} ${c.path} ${c.headers.authorization}`)).toEqual([`GET /v1/nid/me Bearer ${access}`]);
  // Naver does not say whether the email is verified: it is stored unverified.
  expect(await s.server.app.orm.em.fork().findOneOrFail(User, Number(out.user.id))).toMatchObject({ emailVerified: false });

  const again = await socialLogin(s.server, 'NAVER', token({ user }));
  expect(again.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: out.user.id }, socialAccount: { id: out.socialAccount.id } });
});

test('without a usable nickname the username is naver_<id>, cleaned to the username rule', async () => {
  const user = naverUser({ nickname: undefined });
  const out = (await socialLogin(s.server, 'NAVER', token({ user }))).data.socialLogin;
  expect(out.user.username).toBe(`naver_${user.id.replace(/[^\w@.+-]/g, '')}`);
});

test('a token issued to another Naver app answers that app’s id: it never reaches the existing account', async () => {
  const user = naverUser();
  const mine = (await socialLogin(s.server, 'NAVER', token({ user }))).data.socialLogin;
  const foreign = await socialLogin(s.server, 'NAVER', token({ user, otherApp: true }));
  expect(foreign.errors).toBeUndefined();
  expect(foreign.data.socialLogin.user.id).not.toBe(mine.user.id);
  expect(foreign.data.socialLogin.isNewUser).toBe(true);
});

test('even with SOCIAL_CONNECT_BY_EMAIL, a Naver email never signs into a verified local account', async () => {
  const alice = await registerUser(s.server);
  await updateUser(s.server, alice.user.id, { emailVerified: true });
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, 'NAVER', token({ user: naverUser({ email: alice.email }) }));
  expect(firstError(res)?.extensions).toEqual(failedWith('EMAIL_CONFLICT'));
  expect(await rowCounts(s.server)).toEqual(before);
});

test('an unknown or expired token is TOKEN_REJECTED; so is an answer with an error resultcode', async () => {
  expect(firstError(await socialLogin(s.server, 'NAVER', 'never-issued'))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
  expect(firstError(await socialLogin(s.server, 'NAVER', token({ user: naverUser(), expired: true })))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
  expect(firstError(await socialLogin(s.server, 'NAVER', token({ user: naverUser(), resultcode: '024' })))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
  expect(s.server.logs.join('\n')).toMatch(/naver me: HTTP 401 \(provider code 024\)/);
});

test.each<[string, Partial<Parameters<typeof s.naver.add>[1]>]>([
  ['an id of the wrong type', { meId: 12345 }],
  ['no id', { meId: undefined }],
  ['no resultcode', { resultcode: undefined }],
])('an answer with %s is PROVIDER_UNAVAILABLE, not a crash', async (_label, extra) => {
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, 'NAVER', token({ user: naverUser(), ...extra }));
  expect(firstError(res)?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
  expect(await rowCounts(s.server)).toEqual(before);
});

test.each<FakeMode>(['error500', 'html', 'garbage', 'redirect'])('Naver answering %s is PROVIDER_UNAVAILABLE', async (mode) => {
  s.naver.mode = mode;
  expect(firstError(await socialLogin(s.server, 'NAVER', token({ user: naverUser() })))?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
});

test('Naver takes an access token only: an ID token or a nonce is BAD_USER_INPUT, before any call', async () => {
  const id = await idTokenLogin(s.server, 'NAVER', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln');
  expect(firstError(id)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idToken' });
  const nonce = await s.server.gql(SOCIAL_LOGIN, { provider: 'NAVER', accessToken: token({ user: naverUser() }), nonce: 'n' });
  expect(firstError(nonce)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'nonce' });
  const none = await s.server.gql(SOCIAL_LOGIN, { provider: 'NAVER' });
  expect(firstError(none)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
  expect(s.naver.calls).toHaveLength(0);
});

test('no Naver token reaches the logs', async () => {
  const t = token({ user: naverUser(), expired: true });
  await socialLogin(s.server, 'NAVER', t);
  expect(s.server.logs.join('\n')).not.toContain(t);
});
