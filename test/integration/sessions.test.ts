// Logout, the sessions list, revokeSession and deleteMe.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH, USERS } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { decodePayload, signWith } from '../helpers/tokens';

const SESSIONS = `{ sessions { id createdAt lastUsedAt expiresAt userAgent ip current } }`;
const LOGOUT = `mutation($r: String, $e: Boolean) { logout(refreshToken: $r, everywhere: $e) }`;
const REVOKE_SESSION = `mutation($id: ID!) { revokeSession(id: $id) }`;
const DELETE_ME = `mutation($p: String!) { deleteMe(password: $p) }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
});
afterAll(() => server.stop());

async function threeSessions() {
  const u = await registerUser(server);
  const login = async (ua: string) =>
    (await server.gql(LOGIN, { username: u.user.username, password: u.password }, { headers: { 'user-agent': ua } })).data.login;
  return { u, b: await login('phone/1.0'), c: await login('laptop/2.0') };
}
const alive = async (t: { token: string }) => !(await server.gql(USERS, {}, { token: t.token })).errors;

test('sessions lists the live sessions with the current one marked', async () => {
  const { b } = await threeSessions();
  const res = await server.gql(SESSIONS, {}, { token: b.token });
  expect(res.data.sessions).toHaveLength(3);
  const current = res.data.sessions.filter((s: any) => s.current);
  expect(current).toHaveLength(1);
  expect(current[0]).toMatchObject({ userAgent: 'phone/1.0', ip: '127.0.0.1' });
  expect(res.data.sessions.map((s: any) => s.userAgent)).toContain('laptop/2.0');
  expect(errorCode(await server.gql(SESSIONS))).toBe('UNAUTHENTICATED');
});

test('logout ends this session only', async () => {
  const { u, b, c } = await threeSessions();
  expect((await server.gql(LOGOUT, { r: b.refreshToken }, { token: b.token })).data.logout).toBe(true);
  expect(await alive(b)).toBe(false);
  expect(errorCode(await server.gql(REFRESH, { refreshToken: b.refreshToken }))).toBe('TOKEN_INVALID');
  expect(await alive(u)).toBe(true);
  expect(await alive(c)).toBe(true);
  // Without a refresh token, the access token's own session ends.
  expect((await server.gql(LOGOUT, {}, { token: c.token })).data.logout).toBe(true);
  expect(await alive(c)).toBe(false);
  expect(await alive(u)).toBe(true);
});

test('logout everywhere ends all of the viewer’s sessions', async () => {
  const { u, b, c } = await threeSessions();
  expect((await server.gql(LOGOUT, { e: true }, { token: b.token })).data.logout).toBe(true);
  for (const t of [u, b, c]) expect(await alive(t)).toBe(false);
  expect(errorCode(await server.gql(LOGOUT, { e: true }))).toBe('UNAUTHENTICATED');
});

test('revokeSession ends one of one’s own sessions and never someone else’s', async () => {
  const { u, b } = await threeSessions();
  const stranger = await registerUser(server);
  const list = (await server.gql(SESSIONS, {}, { token: u.token })).data.sessions;
  const phone = list.find((s: any) => s.userAgent === 'phone/1.0');
  expect((await server.gql(REVOKE_SESSION, { id: phone.id }, { token: stranger.token })).data.revokeSession).toBe(false);
  expect(await alive(b)).toBe(true);
  expect((await server.gql(REVOKE_SESSION, { id: phone.id }, { token: u.token })).data.revokeSession).toBe(true);
  expect(await alive(b)).toBe(false);
  expect((await server.gql(SESSIONS, {}, { token: u.token })).data.sessions).toHaveLength(2);
});

describe('deleteMe', () => {
  test('needs the password; then the account and its tokens are gone', async () => {
    const u = await registerUser(server);
    expect(firstError(await server.gql(DELETE_ME, { p: 'wrong-password-x' }, { token: u.token }))?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
    expect((await server.gql(DELETE_ME, { p: u.password }, { token: u.token })).data.deleteMe).toBe(true);
    expect(await alive(u)).toBe(false);
    expect(errorCode(await server.gql(LOGIN, { username: u.user.username, password: u.password }))).toBe('INVALID_CREDENTIALS');
    expect(await server.app.orm.em.fork().count(User, { id: Number(u.user.id) })).toBe(0);
  });

  test('an account without a password confirms with a fresh sign-in and its username', async () => {
    const u = await registerUser(server);
    // Make the password unusable, as for an account created by social sign-in.
    const em = server.app.orm.em.fork();
    await em.nativeUpdate(User, { id: Number(u.user.id) }, { password: '!unusable' });
    expect(firstError(await server.gql(DELETE_ME, { p: 'anything' }, { token: u.token }))?.message).toMatch(/type your username/);
    // A session that signed in more than ten minutes ago is not enough, even freshly refreshed.
    const claims = decodePayload(u.token);
    const stale = signWith({ ...claims, orig_iat: claims.orig_iat - 700 });
    expect(firstError(await server.gql(DELETE_ME, { p: u.user.username }, { token: stale }))?.message).toMatch(/sign in again/);
    expect((await server.gql(DELETE_ME, { p: u.user.username }, { token: u.token })).data.deleteMe).toBe(true);
  });
});
