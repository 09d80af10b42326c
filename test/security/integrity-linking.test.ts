// Linking a provider is a sensitive change (issue 11, point 2): a stolen
// access token alone must not attach the thief's provider account, which
// would survive the victim's password change. connectSocialAccount confirms
// identity like updateMe/deleteMe; every link and unlink is mailed; the
// password-change notice lists every way into the account.
import { SocialAccount, User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { SecretLog } from '../helpers/secrets';
import { firstError } from '../helpers/server';
import { type CapturedMail, type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';
import { CONNECT, DISCONNECT, newToken, type SocialSetup, socialLogin, startSocialServer } from '../helpers/social';
import { decodePayload, signWith } from '../helpers/tokens';

const CHANGE_PASSWORD = `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { token } }`;
const RESET_PASSWORD = `mutation($t: String!, $n: String!) { resetPassword(token: $t, newPassword: $n) }`;
const secrets = new SecretLog();
let smtp: FakeSmtp;
let s: SocialSetup;
beforeAll(async () => {
  smtp = await startFakeSmtp();
  s = await startSocialServer({ SMTP_URL: smtp.url, ACCOUNT_EMAIL_VERIFICATION: 'none' });
});
afterAll(async () => {
  await s.stop();
  await smtp.stop();
});

let nextId = 7100000000;
const kakaoToken = () => secrets.add(s.kakao.add(newToken('kakao'), { user: { id: ++nextId, nickname: `thief${nextId}` } }));
const facebookToken = () => secrets.add(s.facebook.add(newToken('EAAB'), { user: { id: String(++nextId), name: `f${nextId}` } }));
const linkedCount = (userId: string) => s.server.app.orm.em.fork().count(SocialAccount, { user: Number(userId) });
const mailsTo = (email: string, subject: RegExp) => smtp.messages.filter((m) => m.to.includes(email) && subject.test(m.subject));
const mailTo = (email: string, subject: RegExp): Promise<CapturedMail> => smtp.waitFor((m) => m.to.includes(email) && subject.test(m.subject));

test('a stolen access token alone cannot link the thief’s provider: no password or a wrong one is BAD_USER_INPUT, nothing linked', async () => {
  const victim = await registerUser(s.server);
  secrets.add(victim.password);
  for (const password of [undefined, null, '', 'not-the-password']) {
    const res = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: kakaoToken(), password }, { token: victim.token });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(res.data).toBeNull();
  }
  expect(await linkedCount(victim.user.id)).toBe(0);

  const ok = await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: kakaoToken(), password: victim.password }, { token: victim.token });
  expect(ok.errors).toBeUndefined();
  expect(await linkedCount(victim.user.id)).toBe(1);
  const notice = await mailTo(victim.email, /Kakao account was connected/);
  expect(notice.text).toContain(victim.user.username);
  expect(notice.text).toMatch(/If it was not you/);
  // Only the link that happened was mailed.
  expect(mailsTo(victim.email, /connected/)).toHaveLength(1);
});

test('a password-less account confirms with a sign-in within REAUTH_WINDOW, not with a refreshed old session', async () => {
  const first = (await socialLogin(s.server, 'KAKAO', kakaoToken())).data.socialLogin;
  const claims = decodePayload(first.token);
  const stale = signWith({ ...claims, orig_iat: claims.orig_iat - 700, iat: claims.iat, exp: claims.exp });
  const refused = await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken() }, { token: stale });
  expect(firstError(refused)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
  expect(firstError(refused)?.message).toMatch(/sign in again/);
  expect(await linkedCount(first.user.id)).toBe(1);
  const fresh = await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken() }, { token: first.token });
  expect(fresh.errors).toBeUndefined();
  expect(await linkedCount(first.user.id)).toBe(2);
});

test('every link and unlink is mailed, and the password-change and reset notices list the ways to sign in', async () => {
  const u = await registerUser(s.server);
  secrets.add(u.password);
  const kakao = (await s.server.gql(CONNECT, { provider: 'KAKAO', accessToken: kakaoToken(), password: u.password }, { token: u.token })).data
    .connectSocialAccount;
  await mailTo(u.email, /Kakao account was connected/);
  await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken(), password: u.password }, { token: u.token });
  await mailTo(u.email, /Facebook account was connected/);
  expect((await s.server.gql(DISCONNECT, { id: kakao.id }, { token: u.token })).data.disconnectSocialAccount).toBe(true);
  const unlinked = await mailTo(u.email, /Kakao account was disconnected/);
  expect(unlinked.text).toContain(u.user.username);

  const newPassword = secrets.add('a-brand-new-passphrase-71');
  const changed = await s.server.gql(CHANGE_PASSWORD, { o: u.password, n: newPassword }, { token: u.token });
  expect(changed.errors).toBeUndefined();
  const notice = await mailTo(u.email, /password was changed/);
  expect(notice.text).toMatch(/sign in with: your password, Facebook\./);
  expect(notice.text).not.toMatch(/Kakao/);

  await s.server.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: u.email });
  const reset = tokenFrom(await mailTo(u.email, /Reset your password/));
  const before = mailsTo(u.email, /password was changed/).length;
  expect((await s.server.gql(RESET_PASSWORD, { t: reset, n: secrets.add('yet-another-passphrase-83') })).data.resetPassword).toBe(true);
  await smtp.waitFor(() => mailsTo(u.email, /password was changed/).length > before);
  expect(mailsTo(u.email, /password was changed/).at(-1)?.text).toMatch(/sign in with: your password, Facebook\./);
});

test('a social-only account is told of its links and unlinks too', async () => {
  const first = (await socialLogin(s.server, 'KAKAO', kakaoToken())).data.socialLogin;
  // Give the account an address so it can be told.
  const email = `social${nextId}@example.test`;
  await s.server.app.orm.em.fork().nativeUpdate(User, { id: Number(first.user.id) }, { email, emailKey: email });
  const fb = (await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: facebookToken() }, { token: first.token })).data.connectSocialAccount;
  await mailTo(email, /Facebook account was connected/);
  expect((await s.server.gql(DISCONNECT, { id: fb.id }, { token: first.token })).data.disconnectSocialAccount).toBe(true);
  await mailTo(email, /Facebook account was disconnected/);
});

test('no secret reached the logs', () => {
  expect(secrets.size).toBeGreaterThan(0);
  expect(secrets.leakedIn(s.server.logs.join('\n'))).toEqual([]);
});
