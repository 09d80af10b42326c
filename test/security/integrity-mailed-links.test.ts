// Mailed links bind to the address they went to: a reset or verification link
// is dead once the account's email changes (by any path, even back again), and
// resetPassword never marks an address verified that the link did not reach.
import { OneTimeToken } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';
import { newToken, type SocialSetup, socialLogin, startSocialServer, updateUser } from '../helpers/social';

const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
const VERIFY_EMAIL = `mutation($t: String!) { verifyEmail(token: $t) { emailVerified } }`;
const UPDATE_ME = `mutation($i: UpdateMeInput!) { updateMe(input: $i) { email emailVerified } }`;
const UPDATE_USER = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { email emailVerified } }`;
const ME = `{ me { id email emailVerified } }`;
const NEW_PASSWORD = 'a brand new passphrase 42';

const secrets = new SecretLog();
let smtp: FakeSmtp;
let setup: SocialSetup;
let server: TestServer;
beforeAll(async () => {
  smtp = await startFakeSmtp();
  setup = await startSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true', SMTP_URL: smtp.url });
  server = setup.server;
  secrets.add(GOOD_PASSWORD);
  secrets.add(NEW_PASSWORD);
});
afterAll(async () => {
  await setup.stop();
  await smtp.stop();
});

const mailTo = (to: string, subject: string) => smtp.waitFor((m) => m.to === to && m.subject === subject);
async function resetLink(email: string): Promise<string> {
  const before = smtp.messages.length;
  await server.gql(REQUEST_RESET, { e: email });
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.to === email && m.subject === 'Reset your password');
  return secrets.add(tokenFrom(mail));
}

test('the takeover: a reset link used after the email moved to the victim neither works nor verifies it, and the victim’s social sign-in does not land in the attacker’s account', async () => {
  const mallory = await registerUser(server, { username: 'mallory', email: 'mallory@evil.test' });
  const link = await resetLink('mallory@evil.test');
  const moved = await server.gql(UPDATE_ME, { i: { email: 'victim@example.test', password: mallory.password } }, { token: mallory.token });
  expect(moved.data.updateMe).toEqual({ email: 'victim@example.test', emailVerified: false });

  expect(errorCode(await server.gql(RESET, { t: link, p: NEW_PASSWORD }))).toBe('TOKEN_INVALID');
  expect((await server.gql(ME, {}, { token: mallory.token })).data.me).toMatchObject({ email: 'victim@example.test', emailVerified: false });
  // The password did not change either.
  expect((await server.gql(LOGIN, { username: 'mallory', password: mallory.password })).errors).toBeUndefined();

  // The real owner of the address signs in with Kakao for the first time.
  const kakao = setup.kakao.add(newToken('kakao'), { user: { id: 7100000001, nickname: 'victim', email: 'victim@example.test', emailVerified: true } });
  const res = await socialLogin(server, 'KAKAO', kakao);
  expect(res.data?.socialLogin?.user?.id).not.toBe(mallory.user.id);
  expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' });
});

test('a reset link to the current address still works and verifies that address', async () => {
  const u = await registerUser(server, { username: 'honest', email: 'honest@example.test' });
  const link = await resetLink('honest@example.test');
  expect((await server.gql(RESET, { t: link, p: NEW_PASSWORD })).data.resetPassword).toBe(true);
  expect((await server.gql(LOGIN, { username: 'honest', password: NEW_PASSWORD })).data.login.user.id).toBe(u.user.id);
  const me = await server.gql(ME, {}, { token: (await server.gql(LOGIN, { username: 'honest', password: NEW_PASSWORD })).data.login.token });
  expect(me.data.me.emailVerified).toBe(true);
});

test('changing the email away and back again does not revive the old links', async () => {
  const u = await registerUser(server, { username: 'pingpong', email: 'ping@example.test' });
  const verification = secrets.add(tokenFrom(await mailTo('ping@example.test', 'Confirm your email address')));
  const reset = await resetLink('ping@example.test');
  for (const email of ['pong@example.test', 'ping@example.test']) {
    const r = await server.gql(UPDATE_ME, { i: { email, password: u.password } }, { token: u.token });
    expect(r.errors).toBeUndefined();
  }
  expect(errorCode(await server.gql(VERIFY_EMAIL, { t: verification }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(RESET, { t: reset, p: NEW_PASSWORD }))).toBe('TOKEN_INVALID');
});

test('a staff email change kills the user’s links and the new address starts unverified', async () => {
  const staff = await registerUser(server, { username: 'helpdesk', email: 'helpdesk@example.test' });
  await updateUser(server, staff.user.id, { isStaff: true });
  const u = await registerUser(server, { username: 'moved', email: 'moved-old@example.test' });
  await server.gql(VERIFY_EMAIL, { t: tokenFrom(await mailTo('moved-old@example.test', 'Confirm your email address')) });
  const reset = await resetLink('moved-old@example.test');
  const changed = await server.gql(UPDATE_USER, { id: u.user.id, i: { email: 'moved-new@example.test' } }, { token: staff.token });
  expect(changed.data.updateUser).toEqual({ email: 'moved-new@example.test', emailVerified: false });
  expect(errorCode(await server.gql(RESET, { t: reset, p: NEW_PASSWORD }))).toBe('TOKEN_INVALID');
  // Nothing outstanding is left behind for the user.
  expect(await server.app.orm.em.fork().count(OneTimeToken, { user: Number(u.user.id) })).toBe(0);
  // Staff may still say outright that the new address is verified.
  const vouched = await server.gql(UPDATE_USER, { id: u.user.id, i: { email: 'moved-3@example.test', emailVerified: true } }, { token: staff.token });
  expect(vouched.data.updateUser).toEqual({ email: 'moved-3@example.test', emailVerified: true });
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(server.logs.join(''))).toEqual([]);
});
