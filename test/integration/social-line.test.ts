// LINE Login over real HTTP against a fake LINE API on loopback: access
// tokens (channel binding through /oauth2/v2.1/verify, then the profile) and
// ID tokens (POST /oauth2/v2.1/verify, then our own iss/aud/exp/nonce/replay
// checks of what LINE answered).
import { User } from '../../src/entities';
import type { FakeMode } from '../helpers/fake-http';
import { LINE_CHANNEL_ID, type LineUser, OTHER_LINE_CHANNEL_ID } from '../helpers/fake-line';
import { registerUser } from '../helpers/fixtures';
import { firstError } from '../helpers/server';
import { CREATE_APP, idTokenLogin, newToken, rowCounts, SOCIAL_LOGIN, socialLogin, updateUser, useSocialServer } from '../helpers/social';

const s = useSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true' });
let next = 0;
const lineUser = (extra: Partial<LineUser> = {}): LineUser => ({
  userId: `U${(++next).toString(16).padStart(8, '0')}${Date.now().toString(16).padStart(24, '0')}`,
  displayName: `line${next}`,
  ...extra,
});
const access = (entry: Parameters<typeof s.line.addAccessToken>[1]) => s.line.addAccessToken(newToken('eyJhbGciOiJIUzI1NiJ9'), entry);
const failedWith = (why: string) => ({ code: 'SOCIAL_AUTH_FAILED', reason: why });
const userRow = (id: string) => s.server.app.orm.em.fork().findOneOrFail(User, Number(id));

describe('access tokens', () => {
  test('a token for our channel signs up a user named after the display name; the next sign-in returns them', async () => {
    const user = lineUser({ pictureUrl: 'https://profile.line-scdn.example/p' });
    const token = access({ user });
    const first = await socialLogin(s.server, 'LINE', token);
    expect(first.errors).toBeUndefined();
    const out = first.data.socialLogin;
    expect(out).toMatchObject({ isNewUser: true, user: { username: user.displayName, email: null }, socialAccount: { provider: 'LINE', uid: user.userId } });
    expect(s.line.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /oauth2/v2.1/verify', 'GET /v2/profile']);
    expect(s.line.calls[0].query).toEqual({ access_token: token });
    expect(s.line.calls[1].headers.authorization).toBe(`Bearer ${token}`);

    const again = await socialLogin(s.server, 'LINE', access({ user }));
    expect(again.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: out.user.id } });
  });

  test('a token issued to another channel is WRONG_APP, and the profile is never asked', async () => {
    const before = await rowCounts(s.server);
    const res = await socialLogin(s.server, 'LINE', access({ user: lineUser(), channelId: OTHER_LINE_CHANNEL_ID }));
    expect(firstError(res)?.extensions).toEqual(failedWith('WRONG_APP'));
    expect(s.line.calls.map((c) => c.path)).toEqual(['/oauth2/v2.1/verify']);
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test('an unknown token, or one whose expires_in is not positive, is TOKEN_REJECTED', async () => {
    expect(firstError(await socialLogin(s.server, 'LINE', 'never-issued-token'))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    expect(firstError(await socialLogin(s.server, 'LINE', access({ user: lineUser(), expiresIn: 0 })))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    expect(s.server.logs.join('\n')).toMatch(/line verify: HTTP 400 \(provider code invalid_request\)/);
  });

  test('a profile without a usable userId is PROVIDER_UNAVAILABLE with nothing written', async () => {
    const before = await rowCounts(s.server);
    for (const profileId of [12345, undefined]) {
      const res = await socialLogin(s.server, 'LINE', access({ user: lineUser(), profileId }));
      expect(firstError(res)?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
    }
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test.each<FakeMode>(['error500', 'html', 'garbage', 'redirect', 'reset'])('LINE answering %s is PROVIDER_UNAVAILABLE with nothing written', async (mode) => {
    const before = await rowCounts(s.server);
    s.line.mode = mode;
    expect(firstError(await socialLogin(s.server, 'LINE', access({ user: lineUser() })))?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
    expect(await rowCounts(s.server)).toEqual(before);
  });
});

describe('ID tokens', () => {
  const idToken = (claims: Record<string, unknown> = {}, opts: { lax?: boolean } = {}) => s.line.issueIdToken({ sub: lineUser().userId, ...claims }, opts);

  test('checked at POST /oauth2/v2.1/verify with our channel ID and the nonce; the same id as the access token reaches the same account', async () => {
    const user = lineUser();
    const viaAccess = (await socialLogin(s.server, 'LINE', access({ user }))).data.socialLogin;
    s.line.reset();
    const token = idToken({ sub: user.userId, nonce: 'n-123', name: 'Someone', email: 'line@example.com' });
    const res = await idTokenLogin(s.server, 'LINE', token, 'n-123');
    expect(res.errors).toBeUndefined();
    expect(res.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: viaAccess.user.id } });
    expect(s.line.calls).toHaveLength(1);
    expect(s.line.calls[0]).toMatchObject({
      method: 'POST',
      path: '/oauth2/v2.1/verify',
      form: { id_token: token, client_id: LINE_CHANNEL_ID, nonce: 'n-123' },
    });
  });

  test('the email from the ID token is stored unverified: LINE does not vouch for it, so it never links to a verified account', async () => {
    const fresh = (await idTokenLogin(s.server, 'LINE', idToken({ email: `l${Date.now()}@example.com` }))).data.socialLogin;
    expect(await userRow(fresh.user.id)).toMatchObject({ emailVerified: false });
    const alice = await registerUser(s.server);
    await updateUser(s.server, alice.user.id, { emailVerified: true });
    const res = await idTokenLogin(s.server, 'LINE', idToken({ email: alice.email }));
    expect(firstError(res)?.extensions).toEqual(failedWith('EMAIL_CONFLICT'));
  });

  test('a token for another channel is WRONG_APP (LINE refuses it; and if its answer said so, we would too)', async () => {
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken({ aud: OTHER_LINE_CHANNEL_ID })))?.extensions).toEqual(failedWith('WRONG_APP'));
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken({ aud: OTHER_LINE_CHANNEL_ID }, { lax: true })))?.extensions).toEqual(
      failedWith('WRONG_APP'),
    );
  });

  test.each<[string, Record<string, unknown>]>([
    ['another issuer', { iss: 'https://evil.example' }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 10 }],
    ['a nonce that was not sent', { nonce: 'minted-for-another-sign-in' }],
  ])('%s in what LINE answered is TOKEN_REJECTED', async (_label, claims) => {
    const before = await rowCounts(s.server);
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken(claims, { lax: true })))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test('a wrong nonce, an expired or unknown token is TOKEN_REJECTED', async () => {
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken({ nonce: 'a' }), 'b'))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken({ exp: Math.floor(Date.now() / 1000) - 10 })))?.extensions).toEqual(
      failedWith('TOKEN_REJECTED'),
    );
    expect(firstError(await idTokenLogin(s.server, 'LINE', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2ln'))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
  });

  test('an ID token signs in once', async () => {
    const token = idToken();
    expect((await idTokenLogin(s.server, 'LINE', token)).errors).toBeUndefined();
    expect(firstError(await idTokenLogin(s.server, 'LINE', token))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
  });

  test('LINE down is PROVIDER_UNAVAILABLE with nothing written', async () => {
    const before = await rowCounts(s.server);
    s.line.mode = 'error500';
    expect(firstError(await idTokenLogin(s.server, 'LINE', idToken()))?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test('a nonce goes with an ID token only', async () => {
    const res = await s.server.gql(SOCIAL_LOGIN, { provider: 'LINE', accessToken: access({ user: lineUser() }), nonce: 'n' });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'nonce' });
    expect(s.line.calls).toHaveLength(0);
  });
});

test('the LINE app needs the numeric channel ID', async () => {
  const res = await s.server.gql(CREATE_APP, { input: { provider: 'LINE', name: 'L', clientId: 'not-numeric' } }, { token: await superToken() });
  expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'clientId' });
});

test('no LINE token reaches the logs', async () => {
  const t = access({ user: lineUser(), channelId: OTHER_LINE_CHANNEL_ID });
  await socialLogin(s.server, 'LINE', t);
  expect(s.server.logs.join('\n')).not.toContain(t);
});

async function superToken(): Promise<string> {
  const admin = await registerUser(s.server);
  await updateUser(s.server, admin.user.id, { isStaff: true });
  const em = s.server.app.orm.em.fork();
  em.assign(await em.findOneOrFail(User, Number(admin.user.id)), { isSuperuser: true });
  await em.flush();
  return admin.token;
}
