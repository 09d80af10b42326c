// Email verification over a real SMTP server: register → mail → verifyEmail,
// the mandatory mode, and email changes.
import { OneTimeToken } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, REGISTER } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';

const VERIFY_EMAIL = `mutation($t: String!) { verifyEmail(token: $t) { username emailVerified } }`;
const ME = `{ me { email emailVerified } }`;
const UPDATE_ME = `mutation($i: UpdateMeInput!) { updateMe(input: $i) { firstName lastName email emailVerified } }`;

let smtp: FakeSmtp;
const servers: TestServer[] = [];
async function start(env: Record<string, string> = {}) {
  const s = await startTestServer({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'authql <auth@example.test>',
    EMAIL_VERIFICATION_URL: 'https://app.example/verify?token={token}',
    ...env,
  });
  servers.push(s);
  return s;
}
beforeAll(async () => {
  smtp = await startFakeSmtp();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await smtp.stop();
});

test('register mails a verification link (text and HTML); verifyEmail confirms it once', async () => {
  const server = await start();
  const u = await registerUser(server, { username: 'verifyme', email: 'verifyme@example.test' });
  expect((await server.gql(ME, {}, { token: u.token })).data.me).toEqual({ email: 'verifyme@example.test', emailVerified: false });
  const mail = await smtp.waitFor((m) => m.to === 'verifyme@example.test');
  expect(mail.from).toContain('auth@example.test');
  expect(mail.subject).toBe('Confirm your email address');
  expect(mail.text).toContain('https://app.example/verify?token=');
  expect(mail.html).toContain('href="https://app.example/verify?token=');
  const token = tokenFrom(mail);
  const res = await server.gql(VERIFY_EMAIL, { t: token });
  expect(res.data.verifyEmail).toEqual({ username: 'verifyme', emailVerified: true });
  expect(errorCode(await server.gql(VERIFY_EMAIL, { t: token }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(VERIFY_EMAIL, { t: 'garbage' }))).toBe('TOKEN_INVALID');
});

test('requestEmailVerification resends; an expired link is TOKEN_EXPIRED', async () => {
  const server = await start({ EMAIL_VERIFICATION_TIMEOUT: '60', ACCOUNT_EMAIL_VERIFICATION: 'none' });
  const u = await registerUser(server, { username: 'resend', email: 'resend@example.test' });
  expect(smtp.messages.some((m) => m.to === 'resend@example.test')).toBe(false); // none: register sends nothing
  expect((await server.gql('mutation { requestEmailVerification }', {}, { token: u.token })).data.requestEmailVerification).toBe(true);
  const token = tokenFrom(await smtp.waitFor((m) => m.to === 'resend@example.test'));
  // Age the token in the database rather than waiting a minute.
  await server.app.orm.em.fork().nativeUpdate(OneTimeToken, {}, { expiresAt: new Date(Date.now() - 1000) });
  expect(errorCode(await server.gql(VERIFY_EMAIL, { t: token }))).toBe('TOKEN_EXPIRED');
  expect(errorCode(await server.gql('mutation { requestEmailVerification }'))).toBe('UNAUTHENTICATED');
});

describe('ACCOUNT_EMAIL_VERIFICATION=mandatory', () => {
  test('register returns no tokens and login refuses until the email is verified', async () => {
    const server = await start({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
    const input = { username: 'strict', email: 'strict@example.test', password: GOOD_PASSWORD };
    const reg = await server.gql(
      `mutation($input: RegisterInput!) { register(input: $input) { token refreshToken payload { sub } emailVerificationRequired user { username email } } }`,
      { input },
    );
    expect(reg.data.register).toEqual({
      token: null,
      refreshToken: null,
      payload: null,
      emailVerificationRequired: true,
      user: { username: 'strict', email: 'strict@example.test' },
    });
    expect(errorCode(await server.gql(LOGIN, { username: 'strict', password: GOOD_PASSWORD }))).toBe('EMAIL_NOT_VERIFIED');
    // A wrong password still says only INVALID_CREDENTIALS.
    expect(errorCode(await server.gql(LOGIN, { username: 'strict', password: 'wrong-password-x' }))).toBe('INVALID_CREDENTIALS');
    await server.gql(VERIFY_EMAIL, { t: tokenFrom(await smtp.waitFor((m) => m.to === 'strict@example.test')) });
    expect((await server.gql(LOGIN, { username: 'strict', password: GOOD_PASSWORD })).errors).toBeUndefined();
  });

  test('refused in production without SMTP', async () => {
    await expect(startTestServer({ NODE_ENV: 'production', ACCOUNT_EMAIL_VERIFICATION: 'mandatory' })).rejects.toThrow(/needs SMTP_URL/);
  });
});

test('a failing mail server loses no account and changes no answer', async () => {
  const server = await start();
  smtp.failing = true;
  try {
    const res = await server.gql(REGISTER, { input: { username: 'mailfail', email: 'mailfail@example.test', password: GOOD_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect((await server.gql(LOGIN, { username: 'mailfail', password: GOOD_PASSWORD })).errors).toBeUndefined();
    await server.app.services.background.drain();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.logs.join('')).toContain('sending email failed');
  } finally {
    smtp.failing = false;
  }
});

describe('updateMe', () => {
  test('names change freely', async () => {
    const server = await start();
    const u = await registerUser(server);
    const res = await server.gql(UPDATE_ME, { i: { firstName: 'Ada', lastName: 'Lovelace' } }, { token: u.token });
    expect(res.data.updateMe).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  test('an email change needs the password, re-verifies, and tells the old address', async () => {
    const server = await start();
    const u = await registerUser(server, { username: 'mover', email: 'old-mover@example.test' });
    const noPw = await server.gql(UPDATE_ME, { i: { email: 'new-mover@example.test' } }, { token: u.token });
    expect(firstError(noPw)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
    const taken = await registerUser(server);
    const dup = await server.gql(UPDATE_ME, { i: { email: taken.email, password: u.password } }, { token: u.token });
    expect(firstError(dup)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    const ok = await server.gql(UPDATE_ME, { i: { email: 'new-mover@example.test', password: u.password } }, { token: u.token });
    expect(ok.data.updateMe).toMatchObject({ email: 'new-mover@example.test', emailVerified: false });
    const notice = await smtp.waitFor((m) => m.to === 'old-mover@example.test' && m.subject === 'Your email address was changed');
    expect(notice.text).toContain('new-mover@example.test');
    const verify = await smtp.waitFor((m) => m.to === 'new-mover@example.test');
    // The link mailed to the old address before the change no longer verifies anything.
    const oldLink = await smtp.waitFor((m) => m.to === 'old-mover@example.test' && m.subject === 'Confirm your email address');
    expect(errorCode(await server.gql(VERIFY_EMAIL, { t: tokenFrom(oldLink) }))).toBe('TOKEN_INVALID');
    expect((await server.gql(VERIFY_EMAIL, { t: tokenFrom(verify) })).data.verifyEmail.emailVerified).toBe(true);
  });
});
