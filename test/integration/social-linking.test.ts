// Account linking: email collisions, connecting and disconnecting, racing
// first sign-ins, inactive users, and who may see a user's social accounts.
import { SocialAccount, User } from '../../src/entities';
import { OTHER_KAKAO_APP_ID } from '../helpers/fake-kakao';
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { errorCode, firstError, type TestServer } from '../helpers/server';
import { CONNECT, DISCONNECT, MY_SOCIAL_ACCOUNTS, newToken, rowCounts, type SocialSetup, socialLogin, updateUser, useSocialServer } from '../helpers/social';

const s = useSocialServer();
let nextId = 6100000000;
const kakaoToken = (setup: SocialSetup, user: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  setup.kakao.add(newToken('kakao'), { user: { id: ++nextId, nickname: `k${nextId}`, ...user }, ...extra });
const facebookToken = (setup: SocialSetup, user: Record<string, unknown> = {}) =>
  setup.facebook.add(newToken('EAAB'), { user: { id: String(++nextId), name: `f${nextId}`, ...user } });

describe('email collisions, by default', () => {
  test('a verified Kakao email equal to a local account email is EMAIL_CONFLICT; nothing is created', async () => {
    const alice = await registerUser(s.server);
    await updateUser(s.server, alice.user.id, { emailVerified: true });
    const before = await rowCounts(s.server);
    const res = await socialLogin(s.server, 'KAKAO', kakaoToken(s, { email: alice.email.toUpperCase() }));
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' });
    expect(firstError(res)?.message).toMatch(/sign in to it, then connect/);
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test('a Facebook email equal to a local account email is EMAIL_CONFLICT', async () => {
    const bob = await registerUser(s.server);
    const res = await socialLogin(s.server, 'FACEBOOK', facebookToken(s, { email: bob.email }));
    expect(firstError(res)?.extensions?.reason).toBe('EMAIL_CONFLICT');
  });
});

describe('SOCIAL_CONNECT_BY_EMAIL=true', () => {
  const c = useSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true' });

  test('links when both the provider and the local account verified the email', async () => {
    const carol = await registerUser(c.server);
    await updateUser(c.server, carol.user.id, { emailVerified: true });
    const res = await socialLogin(c.server, 'KAKAO', kakaoToken(c, { email: carol.email }));
    expect(res.errors).toBeUndefined();
    expect(res.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: carol.user.id, username: carol.user.username } });
    // The password still works, and the account is now reachable both ways.
    const login = await c.server.gql(LOGIN, { username: carol.user.username, password: carol.password });
    expect(login.data.login.user.id).toBe(carol.user.id);
  });

  test.each([
    ['the local email is unverified', false, {}, 'KAKAO'],
    ['Kakao did not verify the email', true, { emailVerified: false }, 'KAKAO'],
    ['Kakao says the email is no longer valid', true, { emailValid: false }, 'KAKAO'],
    ['the provider is Facebook (emails count as unverified)', true, {}, 'FACEBOOK'],
  ] as const)('refuses with EMAIL_CONFLICT when %s', async (_label, localVerified, kakaoFlags, provider) => {
    const dave = await registerUser(c.server);
    if (localVerified) await updateUser(c.server, dave.user.id, { emailVerified: true });
    const token = provider === 'KAKAO' ? kakaoToken(c, { email: dave.email, ...kakaoFlags }) : facebookToken(c, { email: dave.email });
    const before = await rowCounts(c.server);
    const res = await socialLogin(c.server, provider, token);
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' });
    expect(await rowCounts(c.server)).toEqual(before);
  });
});

describe('connect and disconnect', () => {
  test('a password user connects Kakao, then signs in with it; connecting again is idempotent', async () => {
    const erin = await registerUser(s.server);
    const token = kakaoToken(s);
    const res = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: token, password: erin.password }, { token: erin.token });
    expect(res.errors).toBeUndefined();
    const account = res.data.connectSocialAccount;
    const again = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: token, password: erin.password }, { token: erin.token });
    expect(again.data.connectSocialAccount.id).toBe(account.id);
    const signIn = await socialLogin(s.server, 'KAKAO', token);
    expect(signIn.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: erin.user.id }, socialAccount: { id: account.id } });
    const me = await s.server.gql(MY_SOCIAL_ACCOUNTS, {}, { token: erin.token });
    expect(me.data.me.socialAccounts).toEqual([{ id: account.id, provider: 'KAKAO', uid: account.uid }]);
  });

  test('connecting needs a signed-in user, a token for our app, and an identity nobody else has', async () => {
    const frank = await registerUser(s.server);
    expect(errorCode(await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: kakaoToken(s) }))).toBe('UNAUTHENTICATED');
    const wrongApp = kakaoToken(s, {}, { appId: OTHER_KAKAO_APP_ID });
    const res = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: wrongApp, password: frank.password }, { token: frank.token });
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'WRONG_APP' });
    const taken = kakaoToken(s);
    await socialLogin(s.server, 'KAKAO', taken);
    const clash = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: taken, password: frank.password }, { token: frank.token });
    expect(firstError(clash)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
  });

  test('disconnecting the last way to sign in is refused; with another account left it works', async () => {
    const first = (await socialLogin(s.server, 'KAKAO', kakaoToken(s))).data.socialLogin;
    const jwt = first.token;
    const refused = await s.server.gql(DISCONNECT, { id: first.socialAccount.id }, { token: jwt });
    expect(firstError(refused)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id', reason: 'LAST_SIGN_IN_METHOD' });

    const fb = await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken(s) }, { token: jwt });
    expect((await s.server.gql(DISCONNECT, { id: first.socialAccount.id }, { token: jwt })).data.disconnectSocialAccount).toBe(true);
    const left = await s.server.gql(DISCONNECT, { id: fb.data.connectSocialAccount.id }, { token: jwt });
    expect(firstError(left)?.extensions?.reason).toBe('LAST_SIGN_IN_METHOD');
    expect((await s.server.gql(MY_SOCIAL_ACCOUNTS, {}, { token: jwt })).data.me.socialAccounts).toHaveLength(1);
  });

  test('a user with a password may disconnect their only social account', async () => {
    const gina = await registerUser(s.server);
    const acc = (await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken(s), password: gina.password }, { token: gina.token })).data
      .connectSocialAccount;
    expect((await s.server.gql(DISCONNECT, { id: acc.id }, { token: gina.token })).data.disconnectSocialAccount).toBe(true);
    expect(await s.server.app.orm.em.fork().count(SocialAccount, { id: Number(acc.id) })).toBe(0);
  });

  test("someone else's account, an unknown id or a non-number is false, and nothing is removed", async () => {
    const owner = (await socialLogin(s.server, 'KAKAO', kakaoToken(s))).data.socialLogin;
    const other = await registerUser(s.server);
    for (const id of [owner.socialAccount.id, '99999999', 'abc']) {
      expect((await s.server.gql(DISCONNECT, { id }, { token: other.token })).data.disconnectSocialAccount).toBe(false);
    }
    expect(await s.server.app.orm.em.fork().count(SocialAccount, { id: Number(owner.socialAccount.id) })).toBe(1);
    expect(errorCode(await s.server.gql(DISCONNECT, { id: owner.socialAccount.id }))).toBe('UNAUTHENTICATED');
  });
});

test('concurrent first sign-ins of one identity make one user and one account, and all answers carry it', async () => {
  const user = { id: ++nextId, nickname: 'racer', email: `racer${nextId}@kakao.example` };
  const tokens = Array.from({ length: 6 }, () => s.kakao.add(newToken('kakao'), { user }));
  const before = await rowCounts(s.server);
  const results = await Promise.all(tokens.map((t) => socialLogin(s.server, 'KAKAO', t)));
  for (const r of results) expect(r.errors).toBeUndefined();
  const ids = new Set(results.map((r) => r.data.socialLogin.user.id));
  const accounts = new Set(results.map((r) => r.data.socialLogin.socialAccount.id));
  expect(ids.size).toBe(1);
  expect(accounts.size).toBe(1);
  expect(results.filter((r) => r.data.socialLogin.isNewUser)).toHaveLength(1);
  const after = await rowCounts(s.server);
  expect(after.users).toBe(before.users + 1);
  expect(after.socialAccounts).toBe(before.socialAccounts + 1);
});

test('an inactive user cannot sign in socially: INVALID_CREDENTIALS, as with a password', async () => {
  const user = { id: ++nextId, nickname: 'sleepy' };
  const first = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }))).data.socialLogin;
  await updateUser(s.server, first.user.id, { isActive: false });
  const lastLogin = (await s.server.app.orm.em.fork().findOneOrFail(User, Number(first.user.id))).lastLogin;
  const res = await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user }));
  expect(firstError(res)?.extensions).toEqual({ code: 'INVALID_CREDENTIALS' });
  expect((await s.server.app.orm.em.fork().findOneOrFail(User, Number(first.user.id))).lastLogin).toEqual(lastLogin);
});

describe('User.socialAccounts visibility', () => {
  const USER_ACCOUNTS = `query($id: ID!) { user(id: $id) { id socialAccounts { id provider } } }`;
  let target: { user: { id: string }; token: string };
  let stranger: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    target = (await socialLogin(s.server, 'FACEBOOK', facebookToken(s))).data.socialLogin;
    stranger = await registerUser(s.server);
  });
  const look = (server: TestServer, token: string) => server.gql(USER_ACCOUNTS, { id: target.user.id }, { token });

  test('the user themself sees their accounts', async () => {
    expect((await look(s.server, target.token)).data.user.socialAccounts).toEqual([expect.objectContaining({ provider: 'FACEBOOK' })]);
  });

  test('another user sees an empty list', async () => {
    expect((await look(s.server, stranger.token)).data.user.socialAccounts).toEqual([]);
  });

  test('staff see them', async () => {
    const staff = await registerUser(s.server);
    await updateUser(s.server, staff.user.id, { isStaff: true });
    expect((await look(s.server, staff.token)).data.user.socialAccounts).toHaveLength(1);
  });
});
