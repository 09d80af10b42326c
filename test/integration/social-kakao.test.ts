// Kakao sign-in over real HTTP against a fake Kakao API on loopback.
import { SocialAccount, SocialApp, SocialProvider, User } from '../../src/entities';
import { type KakaoUser, OTHER_KAKAO_APP_ID } from '../helpers/fake-kakao';
import { USERS } from '../helpers/operations';
import { firstError } from '../helpers/server';
import { MY_SOCIAL_ACCOUNTS, newToken, rowCounts, socialLogin, startSocialServer, useSocialServer } from '../helpers/social';

const s = useSocialServer();
let nextId = 4100000000;
const kakaoUser = (extra: Partial<KakaoUser> = {}): KakaoUser => ({
  id: ++nextId,
  nickname: `카카오 친구 ${nextId}`,
  image: 'https://k.kakaocdn.example/p.jpg',
  ...extra,
});

test('a new Kakao user without an email gets an account, our tokens and isNewUser', async () => {
  const user = kakaoUser();
  const token = s.kakao.add(newToken('kakao'), { user });
  const res = await socialLogin(s.server, 'KAKAO', token);
  expect(res.errors).toBeUndefined();
  const out = res.data.socialLogin;
  expect(out.isNewUser).toBe(true);
  expect(out.user.username).toBe(`카카오_친구_${user.id}`);
  expect(out.user.email).toBeNull();
  expect(out.socialAccount).toMatchObject({ provider: 'KAKAO', uid: String(user.id) });
  expect(out.socialAccount.extraData).toMatchObject({ id: user.id, properties: { nickname: user.nickname } });
  expect(out.user.socialAccounts).toEqual([{ id: out.socialAccount.id, provider: 'KAKAO', uid: String(user.id) }]);
  expect(out.refreshToken).toEqual(expect.any(String));
  expect(out.payload.sub).toBe(out.user.id);

  // Exactly the two documented calls, with the token as a Bearer header, and nothing to Facebook.
  expect(s.kakao.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/user/access_token_info', 'GET /v2/user/me']);
  for (const call of s.kakao.calls) expect(call.headers.authorization).toBe(`Bearer ${token}`);
  expect(s.facebook.calls).toHaveLength(0);

  // The password is unusable: no password sign-in is possible.
  const em = s.server.app.orm.em.fork();
  const row = await em.findOneOrFail(User, Number(out.user.id), { populate: ['password'] });
  expect(row.password.startsWith('!')).toBe(true);
});

test('the JWT from socialLogin works on users, and me shows the linked account', async () => {
  const token = s.kakao.add(newToken('kakao'), { user: kakaoUser() });
  const { data } = await socialLogin(s.server, 'KAKAO', token);
  const users = await s.server.gql(USERS, { first: 5 }, { token: data.socialLogin.token });
  expect(users.errors).toBeUndefined();
  expect(users.data.users.totalCount).toBeGreaterThan(0);
  const me = await s.server.gql(MY_SOCIAL_ACCOUNTS, {}, { token: data.socialLogin.token });
  expect(me.data.me.socialAccounts).toEqual([expect.objectContaining({ provider: 'KAKAO' })]);
});

test('a new Kakao user with a verified email keeps it, verified', async () => {
  const user = kakaoUser({ email: `k${nextId}@kakao.example` });
  const { data, errors } = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }));
  expect(errors).toBeUndefined();
  expect(data.socialLogin.user.email).toBe(user.email);
  const row = await s.server.app.orm.em.fork().findOneOrFail(User, Number(data.socialLogin.user.id));
  expect(row).toMatchObject({ email: user.email, emailVerified: true });
});

test.each([
  ['not valid', { emailValid: false }],
  ['not verified', { emailVerified: false }],
])('a Kakao email that is %s is stored unverified', async (_label, flags) => {
  const user = kakaoUser({ email: `u${nextId}@kakao.example`, ...flags });
  const { data } = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }));
  const row = await s.server.app.orm.em.fork().findOneOrFail(User, Number(data.socialLogin.user.id));
  expect(row).toMatchObject({ email: user.email, emailVerified: false });
});

test('a returning user gets the same account; lastLogin and extraData are updated', async () => {
  const user = kakaoUser();
  const first = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }))).data.socialLogin;
  user.nickname = 'renamed';
  await new Promise((r) => setTimeout(r, 20));
  const again = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }));
  expect(again.errors).toBeUndefined();
  const second = again.data.socialLogin;
  expect(second.isNewUser).toBe(false);
  expect(second.user.id).toBe(first.user.id);
  expect(second.user.username).toBe(first.user.username);
  expect(second.socialAccount.id).toBe(first.socialAccount.id);
  expect(second.socialAccount.extraData.properties.nickname).toBe('renamed');
  expect(Date.parse(second.socialAccount.lastLogin)).toBeGreaterThan(Date.parse(first.socialAccount.lastLogin));
  expect(second.socialAccount.dateJoined).toBe(first.socialAccount.dateJoined);
});

test('nickname and image fall back to the legacy properties', async () => {
  const user = kakaoUser({ nickname: 'legacy_nick', legacyProperties: true });
  const { data } = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }));
  expect(data.socialLogin.user.username).toBe('legacy_nick');
});

test('a nickname that is taken or unusable gives another unique username', async () => {
  const a = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: kakaoUser({ nickname: 'same name' }) }))).data.socialLogin;
  const b = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: kakaoUser({ nickname: 'Same Name' }) }))).data.socialLogin;
  expect(a.user.username).toBe('same_name');
  expect(b.user.username).toMatch(/^Same_Name_[0-9a-f]{6}$/);
  const emoji = kakaoUser({ nickname: '🙂🙂' });
  const c = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: emoji }))).data.socialLogin;
  expect(c.user.username).toBe(`kakao_${emoji.id}`);
});

test('a token issued to another Kakao app is WRONG_APP: /me is never asked and nothing is written', async () => {
  const before = await rowCounts(s.server);
  const token = s.kakao.add(newToken('kakao'), { user: kakaoUser(), appId: OTHER_KAKAO_APP_ID });
  const res = await socialLogin(s.server, 'KAKAO', token);
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'WRONG_APP' });
  expect(res.data).toBeNull();
  expect(s.kakao.calls.map((c) => c.path)).toEqual(['/v1/user/access_token_info']);
  expect(await rowCounts(s.server)).toEqual(before);
});

test.each([
  ['an expired token', { expired: true }],
  ['a /me id that differs from the token info id', { meId: 1 }],
])('%s is TOKEN_REJECTED and nothing is written', async (_label, extra) => {
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: kakaoUser(), ...extra }));
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'TOKEN_REJECTED' });
  expect(await rowCounts(s.server)).toEqual(before);
});

test('an unknown token is TOKEN_REJECTED; a malformed one never leaves the server', async () => {
  expect(firstError(await socialLogin(s.server, 'KAKAO', 'never-issued'))?.extensions?.reason).toBe('TOKEN_REJECTED');
  expect(s.kakao.calls).toHaveLength(1);
  for (const bad of ['', 'two words', 'line\nbreak', 'x'.repeat(5000)]) {
    expect(firstError(await socialLogin(s.server, 'KAKAO', bad))?.extensions?.reason).toBe('TOKEN_REJECTED');
  }
  expect(s.kakao.calls).toHaveLength(1);
});

test('Kakao 123 and Facebook 123 are different people', async () => {
  const id = ++nextId;
  const k = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: { id, nickname: 'twin' } }))).data.socialLogin;
  const f = (await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('fb'), { user: { id: String(id), name: 'twin' } }))).data.socialLogin;
  expect(f.isNewUser).toBe(true);
  expect(f.user.id).not.toBe(k.user.id);
  expect(f.socialAccount.uid).toBe(k.socialAccount.uid);
});

describe('provider not configured', () => {
  test('no Kakao app at all, or one without its numeric App ID: PROVIDER_NOT_CONFIGURED before any call', async () => {
    const bare = await startSocialServer({}, { apps: false });
    try {
      const token = bare.kakao.add(newToken('kakao'), { user: kakaoUser() });
      expect(firstError(await socialLogin(bare.server, 'KAKAO', token))?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'PROVIDER_NOT_CONFIGURED' });
      // A row written by hand (the API refuses a Kakao app without a key).
      const em = bare.server.app.orm.em.fork();
      await em.persist(em.create(SocialApp, { provider: SocialProvider.KAKAO, name: 'K', clientId: 'rest-key', key: null })).flush();
      expect(firstError(await socialLogin(bare.server, 'KAKAO', token))?.extensions?.reason).toBe('PROVIDER_NOT_CONFIGURED');
      expect(bare.kakao.calls).toHaveLength(0);
      expect(await bare.server.app.orm.em.fork().count(SocialAccount)).toBe(0);
    } finally {
      await bare.stop();
    }
  });
});
