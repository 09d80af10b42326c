// Password change and reset over real HTTP and a real SMTP server.
import { OneTimeToken } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { minimum, timed } from '../helpers/measure';
import { LOGIN, REFRESH, USERS } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';

const CHANGE = `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { token refreshToken } }`;
const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($t: String!, $n: String!) { resetPassword(token: $t, newPassword: $n) }`;

let smtp: FakeSmtp;
let server: TestServer;
beforeAll(async () => {
  smtp = await startFakeSmtp();
  server = await startTestServer({ SMTP_URL: smtp.url, ACCOUNT_EMAIL_VERIFICATION: 'none' });
});
afterAll(async () => {
  await server.stop();
  await smtp.stop();
});

async function withTwoSessions() {
  const u = await registerUser(server);
  const other = (await server.gql(LOGIN, { username: u.user.username, password: u.password })).data.login;
  return { u, other };
}
const alive = async (t: { token: string; refreshToken: string }) => !(await server.gql(USERS, {}, { token: t.token })).errors;

describe('changePassword', () => {
  test('a wrong old password is refused and nothing changes', async () => {
    const { u } = await withTwoSessions();
    const res = await server.gql(CHANGE, { o: 'not-the-password', n: 'fresh new passphrase' }, { token: u.token });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'oldPassword' });
    expect(await alive(u)).toBe(true);
  });

  test('a weak new password is refused on newPassword', async () => {
    const { u } = await withTwoSessions();
    const res = await server.gql(CHANGE, { o: u.password, n: '12345678' }, { token: u.token });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'newPassword' });
  });

  test('the right one ends every other session, returns a fresh pair and mails a notice', async () => {
    const { u, other } = await withTwoSessions();
    const res = await server.gql(CHANGE, { o: u.password, n: 'fresh new passphrase' }, { token: u.token });
    expect(res.errors).toBeUndefined();
    const fresh = res.data.changePassword;
    expect(await alive(fresh)).toBe(true);
    for (const old of [u, other]) {
      expect(await alive(old)).toBe(false);
      expect(errorCode(await server.gql(REFRESH, { refreshToken: old.refreshToken }))).toBe('TOKEN_INVALID');
    }
    expect((await server.gql(REFRESH, { refreshToken: fresh.refreshToken })).errors).toBeUndefined();
    expect(errorCode(await server.gql(LOGIN, { username: u.user.username, password: u.password }))).toBe('INVALID_CREDENTIALS');
    const notice = await smtp.waitFor((m) => m.to === u.email && m.subject === 'Your password was changed');
    expect(notice.text).not.toContain('fresh new passphrase');
  });

  test('needs a signed-in user', async () => {
    expect(errorCode(await server.gql(CHANGE, { o: 'a', n: 'b' }))).toBe('UNAUTHENTICATED');
  });
});

describe('password reset', () => {
  test('known and unknown emails get the same answer; only the known one gets mail', async () => {
    const u = await registerUser(server);
    const known = await server.gql(REQUEST, { e: u.email.toUpperCase() });
    const unknown = await server.gql(REQUEST, { e: 'nobody-here@example.test' });
    expect(known).toEqual({ ...unknown, headers: known.headers });
    expect(known.data.requestPasswordReset).toBe(true);
    await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password');
    await server.app.services.background.drain();
    expect(smtp.messages.some((m) => m.to === 'nobody-here@example.test')).toBe(false);
  });

  test('known and unknown emails take the same time (ratio of minimums)', async () => {
    const u = await registerUser(server);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i++) {
      known.push(await timed(() => server.gql(REQUEST, { e: u.email })));
      unknown.push(await timed(() => server.gql(REQUEST, { e: `ghost${i}@example.test` })));
      await server.app.services.background.drain();
    }
    const ratio = minimum(known) / minimum(unknown);
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
  });

  test('resetPassword sets the password, ends all sessions, and the token works once', async () => {
    const { u, other } = await withTwoSessions();
    await server.gql(REQUEST, { e: u.email });
    const token = tokenFrom(await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password'));
    // A weak password is refused without using the token up.
    expect(firstError(await server.gql(RESET, { t: token, n: 'password' }))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect((await server.gql(RESET, { t: token, n: 'reset to this one' })).data.resetPassword).toBe(true);
    for (const old of [u, other]) expect(await alive(old)).toBe(false);
    expect((await server.gql(LOGIN, { username: u.user.username, password: 'reset to this one' })).errors).toBeUndefined();
    expect(errorCode(await server.gql(RESET, { t: token, n: 'and again another' }))).toBe('TOKEN_INVALID');
    await smtp.waitFor((m) => m.to === u.email && m.subject === 'Your password was changed');
  });

  test('a reset link dies when the password changes another way', async () => {
    const u = await registerUser(server);
    await server.gql(REQUEST, { e: u.email });
    const token = tokenFrom(await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password'));
    await server.gql(CHANGE, { o: u.password, n: 'changed meanwhile ok' }, { token: u.token });
    expect(errorCode(await server.gql(RESET, { t: token, n: 'reset to this one' }))).toBe('TOKEN_INVALID');
  });

  test('an expired reset token is TOKEN_EXPIRED', async () => {
    const u = await registerUser(server);
    await server.gql(REQUEST, { e: u.email });
    const token = tokenFrom(await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password'));
    await server.app.orm.em.fork().nativeUpdate(OneTimeToken, { id: token.split('.')[0] }, { expiresAt: new Date(Date.now() - 1000) });
    expect(errorCode(await server.gql(RESET, { t: token, n: 'reset to this one' }))).toBe('TOKEN_EXPIRED');
  });

  test('concurrent uses of one reset token: exactly one wins', async () => {
    const u = await registerUser(server);
    await server.gql(REQUEST, { e: u.email });
    const token = tokenFrom(await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password'));
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => server.gql(RESET, { t: token, n: `parallel reset ${i} ok` })));
    expect(results.filter((r) => r.data?.resetPassword === true)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'TOKEN_INVALID')).toHaveLength(4);
  });
});
