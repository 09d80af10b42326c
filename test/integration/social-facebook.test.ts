// Facebook sign-in over real HTTP against a fake Graph API on loopback.
import { createHmac } from 'node:crypto';
import { SocialApp, SocialProvider, User } from '../../src/entities';
import { FACEBOOK_APP, type FacebookUser, OTHER_FACEBOOK_APP_ID } from '../helpers/fake-facebook';
import { ME } from '../helpers/operations';
import { firstError } from '../helpers/server';
import { newToken, rowCounts, socialLogin, useSocialServer } from '../helpers/social';

const s = useSocialServer();
let nextId = 10215241773831000n;
const fbUser = (extra: Partial<FacebookUser> = {}): FacebookUser => {
  nextId += 1n;
  return { id: String(nextId), name: 'Jane Doe', firstName: 'Jane', lastName: 'Doe', ...extra };
};

test('a new Facebook user: debug_token with our app token, then /me with appsecret_proof', async () => {
  const user = fbUser({ email: `jane${nextId}@fb.example` });
  const token = s.facebook.add(newToken('EAAB'), { user });
  const res = await socialLogin(s.server, 'FACEBOOK', token);
  expect(res.errors).toBeUndefined();
  const out = res.data.socialLogin;
  expect(out.isNewUser).toBe(true);
  expect(out.user.username).toBe('Jane_Doe');
  expect(out.socialAccount).toMatchObject({ provider: 'FACEBOOK', uid: user.id });
  expect(out.socialAccount.extraData).toMatchObject({ id: user.id, email: user.email, first_name: 'Jane' });

  const [debug, me] = s.facebook.calls;
  expect(s.facebook.calls).toHaveLength(2);
  expect(debug.path).toBe('/debug_token');
  expect(debug.query).toEqual({ input_token: token, access_token: `${FACEBOOK_APP.id}|${FACEBOOK_APP.secret}` });
  expect(me.path).toBe('/me');
  expect(me.query).toEqual({
    fields: 'id,name,email,first_name,last_name,picture',
    access_token: token,
    appsecret_proof: createHmac('sha256', FACEBOOK_APP.secret).update(token).digest('hex'),
  });
  expect(s.kakao.calls).toHaveLength(0);

  // Facebook emails count as unverified; the email is kept since nobody has it.
  const row = await s.server.app.orm.em.fork().findOneOrFail(User, Number(out.user.id));
  expect(row).toMatchObject({ email: user.email, emailVerified: false });
});

test('a returning Facebook user gets the same account, and the JWT works', async () => {
  const user = fbUser({ name: undefined, firstName: 'Only', lastName: 'Names' });
  const first = (await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user }))).data.socialLogin;
  expect(first.user.username).toBe('Only_Names');
  const second = (await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user }))).data.socialLogin;
  expect(second).toMatchObject({ isNewUser: false, user: { id: first.user.id }, socialAccount: { id: first.socialAccount.id } });
  const me = await s.server.gql(ME, {}, { token: second.token });
  expect(me.data.me).toMatchObject({ id: first.user.id, username: first.user.username });
});

test('a token issued to another Facebook app is WRONG_APP: /me is never asked and nothing is written', async () => {
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user: fbUser(), appId: OTHER_FACEBOOK_APP_ID }));
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'WRONG_APP' });
  expect(s.facebook.calls.map((c) => c.path)).toEqual(['/debug_token']);
  expect(await rowCounts(s.server)).toEqual(before);
});

test.each([
  ['an expired token', { valid: false }],
  ['a /me id that differs from debug_token', { meId: '42' }],
])('%s is TOKEN_REJECTED and nothing is written', async (_label, extra) => {
  const before = await rowCounts(s.server);
  const res = await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user: fbUser(), ...extra }));
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'TOKEN_REJECTED' });
  expect(await rowCounts(s.server)).toEqual(before);
});

test('a token Facebook never issued is TOKEN_REJECTED', async () => {
  const res = await socialLogin(s.server, 'FACEBOOK', 'EAABnever');
  expect(firstError(res)?.extensions?.reason).toBe('TOKEN_REJECTED');
});

test('a Facebook app stored with the wrong secret is PROVIDER_NOT_CONFIGURED', async () => {
  const em = s.server.app.orm.em.fork();
  const app = await em.findOneOrFail(SocialApp, { provider: SocialProvider.FACEBOOK });
  em.assign(app, { secret: 'not-the-secret' });
  await em.flush();
  try {
    const res = await socialLogin(s.server, 'FACEBOOK', s.facebook.add(newToken('EAAB'), { user: fbUser() }));
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'PROVIDER_NOT_CONFIGURED' });
    expect(s.facebook.calls.map((c) => c.path)).toEqual(['/debug_token']);
    expect(s.server.logs.join('')).toMatch(/check the App ID and secret/);
  } finally {
    em.assign(app, { secret: FACEBOOK_APP.secret });
    await em.flush();
  }
});
