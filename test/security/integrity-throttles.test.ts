// One sign-in budget per account, whatever name it is reached by, and no mail
// bombs: verification resends, email changes, reset requests and the
// registration notice are limited per account and per address.
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { LOGIN, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, type TestServer } from '../helpers/server';

const RESEND = 'mutation { requestEmailVerification }';
const UPDATE_ME = `mutation($i: UpdateMeInput!) { updateMe(input: $i) { email } }`;
const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const ME = '{ me { email } }';

const secrets = new SecretLog();
secrets.add(GOOD_PASSWORD);
const mail = useMailServers();
const start = (env: Record<string, string> = {}) => mail.start(env);
const login = (s: TestServer, username: string, password: string) => s.gql(LOGIN, { username, password });
const expectLimited = (r: Awaited<ReturnType<TestServer['gql']>>, window: number) => {
  expect(firstError(r)?.extensions?.code).toBe('RATE_LIMITED');
  expect(firstError(r)?.extensions?.retryAfter).toBeGreaterThan(0);
  expect(firstError(r)?.extensions?.retryAfter).toBeLessThanOrEqual(window);
};
const mailsTo = (to: string, subject?: string) => mail.smtp.messages.filter((m) => m.to === to && (!subject || m.subject === subject)).length;
/** Mail goes out after the answer: waits for `n` to arrive, then a little longer to catch any extra. */
async function expectMails(s: TestServer, n: number, to: string, subject?: string): Promise<void> {
  await s.app.services.background.drain();
  for (const end = Date.now() + 5000; mailsTo(to, subject) < n && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200));
  expect(mailsTo(to, subject)).toBe(n);
}

describe('one sign-in budget per account', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start({ RATE_LIMIT_LOGIN_ACCOUNT: '5/300', RATE_LIMIT_LOGIN_IP: '1000/60' });
  });

  test('the username, the email and their case and NFKC variants share it', async () => {
    const u = await registerUser(s, { username: 'budget', email: 'budget-mail@example.test' });
    for (const name of ['budget', 'budget-mail@example.test', 'BUDGET', 'Budget-Mail@Example.test', 'ｂｕｄｇｅｔ']) {
      expect(errorCode(await login(s, name, 'wrong-password-x'))).toBe('INVALID_CREDENTIALS');
    }
    expectLimited(await login(s, 'budget-mail@example.test', u.password), 300);
    expectLimited(await login(s, 'budget', u.password), 300);
  });

  test('a success (by either name) clears the whole account’s failures', async () => {
    const u = await registerUser(s, { username: 'clears', email: 'clears-mail@example.test' });
    for (const name of ['clears', 'clears', 'CLEARS', 'ｃｌｅａｒｓ']) await login(s, name, 'wrong-password-x');
    expect((await login(s, 'clears-mail@example.test', u.password)).errors).toBeUndefined();
    for (const name of ['clears', 'clears-mail@example.test', 'clears', 'clears-mail@example.test']) {
      expect(errorCode(await login(s, name, 'wrong-password-x'))).toBe('INVALID_CREDENTIALS');
    }
  });

  test('an unknown name is counted under its normalised form', async () => {
    for (const name of ['ghost', 'GHOST', ' ghost ', 'ｇｈｏｓｔ', 'Ghost'])
      expect(errorCode(await login(s, name, 'wrong-password-x'))).toBe('INVALID_CREDENTIALS');
    expectLimited(await login(s, 'gHoSt', 'wrong-password-x'), 300);
    // Other accounts keep their own budget.
    const v = await registerUser(s);
    expect((await login(s, v.user.username, v.password)).errors).toBeUndefined();
  });
});

describe('no mail bombs', () => {
  test('requestEmailVerification: per account', async () => {
    const s = await start({ RATE_LIMIT_MAIL_USER: '3/600', ACCOUNT_EMAIL_VERIFICATION: 'none' });
    const u = await registerUser(s, { email: 'resend-bomb@example.test' });
    for (let i = 0; i < 3; i++) expect((await s.gql(RESEND, {}, { token: u.token })).data.requestEmailVerification).toBe(true);
    expectLimited(await s.gql(RESEND, {}, { token: u.token }), 600);
    await expectMails(s, 3, 'resend-bomb@example.test');
  });

  test('updateMe email changes: per account, and nothing changes when refused', async () => {
    const s = await start({ RATE_LIMIT_MAIL_USER: '3/600' });
    const u = await registerUser(s, { email: 'hopper-0@example.test' });
    for (let i = 1; i <= 3; i++) {
      expect((await s.gql(UPDATE_ME, { i: { email: `hopper-${i}@example.test`, password: u.password } }, { token: u.token })).errors).toBeUndefined();
    }
    expectLimited(await s.gql(UPDATE_ME, { i: { email: 'hopper-4@example.test', password: u.password } }, { token: u.token }), 600);
    expect((await s.gql(ME, {}, { token: u.token })).data.me.email).toBe('hopper-3@example.test');
    // Names are not mail: they still change.
    expect((await s.gql(UPDATE_ME, { i: { firstName: 'Grace' } }, { token: u.token })).errors).toBeUndefined();
  });

  test('updateMe: probing which addresses are taken spends the same budget', async () => {
    const s = await start({ RATE_LIMIT_MAIL_USER: '3/600' });
    const others = await Promise.all([1, 2, 3, 4].map(() => registerUser(s)));
    const u = await registerUser(s);
    const probe = (email: string) => s.gql(UPDATE_ME, { i: { email, password: u.password } }, { token: u.token });
    for (const o of others.slice(0, 3)) expect(firstError(await probe(o.email))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    expectLimited(await probe(others[3].email), 600);
  });

  test('per address: many accounts cannot take turns mailing one inbox', async () => {
    const s = await start({ RATE_LIMIT_MAIL_ADDRESS: '2/600' });
    const target = 'inbox@example.test';
    const accounts = await Promise.all([1, 2, 3].map(() => registerUser(s)));
    const moveTo = (a: (typeof accounts)[number], email: string) => s.gql(UPDATE_ME, { i: { email, password: a.password } }, { token: a.token });
    for (const a of accounts.slice(0, 2)) {
      expect((await moveTo(a, target)).errors).toBeUndefined();
      expect((await moveTo(a, `away-${a.user.username}@example.test`)).errors).toBeUndefined();
    }
    expectLimited(await moveTo(accounts[2], 'INBOX@example.test'), 600);
    await expectMails(s, 2, target, 'Confirm your email address');
  });

  test('the registration notice to an address that has an account (mandatory mode) is limited per address, silently', async () => {
    const s = await start({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory', RATE_LIMIT_MAIL_ADDRESS: '2/600' });
    await s.gql(REGISTER, { input: { username: 'notice-owner', email: 'notice-owner@example.test', password: GOOD_PASSWORD } });
    for (let i = 0; i < 4; i++) {
      const r = await s.gql(REGISTER, { input: { username: `notice-probe${i}`, email: 'notice-owner@example.test', password: GOOD_PASSWORD } });
      expect(r.errors).toBeUndefined();
    }
    // The address's budget: one verification link at registration, then one notice.
    await expectMails(s, 2, 'notice-owner@example.test');
  });

  test('reset requests: per address, in any spelling, whatever the client’s IP', async () => {
    const s = await start({ RATE_LIMIT_PASSWORD_RESET_EMAIL: '2/600', TRUST_PROXY: 'loopback' });
    const u = await registerUser(s, { email: 'reset-bomb@example.test' });
    const reset = (e: string, ip: string) => s.gql(REQUEST_RESET, { e }, { headers: { 'x-forwarded-for': ip } });
    expect((await reset(u.email, '203.0.113.1')).data.requestPasswordReset).toBe(true);
    expect((await reset(' Reset-Bomb@example.test ', '203.0.113.2')).data.requestPasswordReset).toBe(true);
    expectLimited(await reset('RESET-BOMB@EXAMPLE.TEST', '203.0.113.3'), 600);
    await expectMails(s, 2, 'reset-bomb@example.test', 'Reset your password');
  });
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(mail.servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
