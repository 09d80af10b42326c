// Email sign-in codes over real HTTP and a real SMTP server: a 6-digit code,
// single use, 10 minutes, dead after 5 wrong tries, replaced by a newer one,
// bound to the address it was mailed to, mailed only to an active account
// (the answer is true either way), throttled per address and per IP; a code
// sign-in goes through the pipeline and marks the email verified.
import { SignInCode, SocialAccount, SocialProvider, User } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { AUTH_FIELDS, LOGIN, REFRESH } from '../helpers/operations';
import { errorCode, firstError, type GqlResult, type TestServer } from '../helpers/server';
import type { CapturedMail } from '../helpers/smtp';

const REQUEST = 'mutation($e: String!) { requestSignInCode(email: $e) }';
const SIGN_IN = `mutation($e: String!, $c: String!) { signInWithCode(email: $e, code: $c) { ${AUTH_FIELDS} } }`;
const ME = '{ me { id emailVerified lastLogin } }';
const SUBJECT = 'Your sign-in code';
const REGISTER_PENDING = 'mutation($input: RegisterInput!) { register(input: $input) { emailVerificationRequired } }';
const UPDATE_ME = 'mutation($i: UpdateMeInput!) { updateMe(input: $i) { email } }';

const GENEROUS = {
  RATE_LIMIT_SIGN_IN_CODE_EMAIL: '10000/60',
  RATE_LIMIT_SIGN_IN_CODE_IP: '10000/60',
  RATE_LIMIT_SIGN_IN_CODE_TRIES: '10000/60',
  TRUST_PROXY: 'loopback',
};
const mail = useMailServers(GENEROUS);
let server: TestServer;
beforeAll(async () => {
  server = await mail.start();
});

const codeIn = (m: CapturedMail): string => {
  const found = /sign-in code is (\d{6})\b/.exec(m.text);
  if (!found) throw new Error(`no code in: ${m.text}`);
  return found[1];
};
const mailsTo = (to: string) => mail.smtp.messages.filter((m) => m.to === to && m.subject === SUBJECT);
/** Requests a code and returns it from the mail (the newest one to that address). */
async function requestCode(s: TestServer, email: string): Promise<string> {
  const before = mailsTo(email).length;
  const res = await s.gql(REQUEST, { e: email });
  expect(res.data?.requestSignInCode).toBe(true);
  await s.app.services.background.drain();
  const sent = mailsTo(email);
  expect(sent).toHaveLength(before + 1);
  return codeIn(sent[sent.length - 1]);
}
const signIn = (s: TestServer, email: string, code: string, ip?: string) =>
  s.gql(SIGN_IN, { e: email, c: code }, ip ? { headers: { 'x-forwarded-for': ip } } : {});
/** Some other 6 digits. */
const wrong = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
const expectRefused = (r: GqlResult) => {
  expect(firstError(r)?.extensions).toEqual({ code: 'INVALID_CREDENTIALS' });
  expect(r.data?.signInWithCode ?? null).toBeNull();
};

describe('a mailed code', () => {
  test('signs in once through the pipeline: a working session, lastLogin set, the email verified', async () => {
    const u = await registerUser(server);
    expect((await server.gql(ME, {}, { token: u.token })).data.me.emailVerified).toBe(false);
    const code = await requestCode(server, u.email);
    const m = mailsTo(u.email).at(-1) as CapturedMail;
    expect(m.subject).not.toContain(code);
    expect(m.text).toContain('for 10 minutes');
    // Any spelling of the address; spaces inside the code are ignored.
    const res = await signIn(server, ` ${u.email.toUpperCase()} `, `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(res.errors).toBeUndefined();
    expect(res.data.signInWithCode.user.username).toBe(u.user.username);
    const me = (await server.gql(ME, {}, { token: res.data.signInWithCode.token })).data.me;
    expect(me).toMatchObject({ id: u.user.id, emailVerified: true });
    expect(me.lastLogin).not.toBeNull();
    expect(server.logs.join('')).toContain('code sign-in succeeded');
    // Single use.
    expectRefused(await signIn(server, u.email, code));
  });

  test('is stored as an HMAC only, and never logged', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    const row = await server.app.orm.em.fork().findOneOrFail(SignInCode, { user: Number(u.user.id) });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code);
    expect((await signIn(server, u.email, code)).errors).toBeUndefined();
    const logs = server.logs.join('');
    expect(logs).not.toContain(`"${code}"`);
    expect(logs).not.toContain(`is ${code}`);
  });

  test('a newer request replaces the older code', async () => {
    const u = await registerUser(server);
    const first = await requestCode(server, u.email);
    const second = await requestCode(server, u.email);
    if (first !== second) expectRefused(await signIn(server, u.email, first));
    expect((await signIn(server, u.email, second)).errors).toBeUndefined();
  });

  test('expires: with SIGN_IN_CODE_TIMEOUT=1 the mailed code is refused after its second', async () => {
    const s = await mail.start({ SIGN_IN_CODE_TIMEOUT: '1' });
    const u = await registerUser(s);
    const code = await requestCode(s, u.email);
    expect((mailsTo(u.email).at(-1) as CapturedMail).text).toContain('for 1 second.');
    const row = await s.app.orm.em.fork().findOneOrFail(SignInCode, { user: Number(u.user.id) });
    await new Promise((r) => setTimeout(r, Math.max(0, row.expiresAt.getTime() - Date.now()) + 50));
    expectRefused(await signIn(s, u.email, code));
  });

  test('dies after 5 wrong tries: the right code is refused after them', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    for (let i = 1; i <= 5; i++) expectRefused(await signIn(server, u.email, wrong(code, i)));
    expectRefused(await signIn(server, u.email, code));
    // The pipeline records failures of this way in as it does a password's.
    expect(server.logs.join('')).toContain('code sign-in failed');
  });

  test('survives 4 wrong tries', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    for (let i = 1; i <= 4; i++) expectRefused(await signIn(server, u.email, wrong(code, i)));
    expect((await signIn(server, u.email, code)).errors).toBeUndefined();
  });

  test('wrong tries sent at once are all counted', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => signIn(server, u.email, wrong(code, i))));
    for (const a of answers) expectRefused(a);
    expectRefused(await signIn(server, u.email, code));
  });

  test('the same right code sent twice at once signs in once', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    const answers = await Promise.all([signIn(server, u.email, code), signIn(server, u.email, code)]);
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
  });

  test('is bound to the address: after an email change it works for neither address, nor after a change back', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    const moved = `moved-${u.user.username}@example.test`;
    const change = await server.gql(UPDATE_ME, { i: { email: moved, password: u.password } }, { token: u.token });
    expect(change.errors).toBeUndefined();
    expectRefused(await signIn(server, moved, code));
    expectRefused(await signIn(server, u.email, code));
    // Nor when the address changes back: the change deleted the code.
    const back = await server.gql(UPDATE_ME, { i: { email: u.email, password: u.password } }, { token: u.token });
    expect(back.errors).toBeUndefined();
    expectRefused(await signIn(server, u.email, code));
  });

  test('under mandatory verification a code signs in an unconfirmed account and confirms it', async () => {
    const s = await mail.start({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
    const email = `mandatory${Date.now().toString(36)}@example.test`;
    await s.gql(REGISTER_PENDING, { input: { username: email.split('@')[0], email, password: GOOD_PASSWORD } });
    expect(errorCode(await s.gql(LOGIN, { username: email, password: GOOD_PASSWORD }))).toBe('EMAIL_NOT_VERIFIED');
    const res = await signIn(s, email, await requestCode(s, email));
    expect(res.errors).toBeUndefined();
    expect((await s.gql(ME, {}, { token: res.data.signInWithCode.token })).data.me.emailVerified).toBe(true);
  });
});

describe('a code that first proves the address (account pre-hijacking)', () => {
  test('mandatory: a stranger who registered the address first cannot sign in with their password once the owner confirms it', async () => {
    const s = await mail.start({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
    const email = `prehijack${Date.now().toString(36)}@example.test`;
    await s.gql(REGISTER_PENDING, { input: { username: `stranger${Date.now().toString(36)}`, email, password: GOOD_PASSWORD } });
    expect((await signIn(s, email, await requestCode(s, email))).errors).toBeUndefined();
    expect(errorCode(await s.gql(LOGIN, { username: email, password: GOOD_PASSWORD }))).toBe('INVALID_CREDENTIALS');
    const notice = await mail.smtp.waitFor((m) => m.to === email && m.subject === 'Your email address is confirmed');
    expect(notice.text).toContain('the password was removed');
  });

  test('optional: the stranger’s sessions end, and their password and provider links go', async () => {
    const stranger = await registerUser(server);
    // The stranger links a provider account of theirs (set up in the database; linking itself is tested elsewhere).
    const em = server.app.orm.em.fork();
    await em.persist(em.create(SocialAccount, { provider: SocialProvider.KAKAO, uid: `k-${stranger.user.username}`, user: Number(stranger.user.id) })).flush();
    const res = await signIn(server, stranger.email, await requestCode(server, stranger.email));
    expect(res.errors).toBeUndefined();
    expect((await server.gql(ME, {}, { token: stranger.token })).data.me).toBeNull();
    expect(errorCode(await server.gql(REFRESH, { refreshToken: stranger.refreshToken }))).toBe('TOKEN_INVALID');
    expect(errorCode(await server.gql(LOGIN, { username: stranger.user.username, password: stranger.password }))).toBe('INVALID_CREDENTIALS');
    const owner = await server.gql('{ me { emailVerified socialAccounts { provider } } }', {}, { token: res.data.signInWithCode.token });
    expect(owner.data.me).toEqual({ emailVerified: true, socialAccounts: [] });
    const notice = await mail.smtp.waitFor((m) => m.to === stranger.email && m.subject === 'Your email address is confirmed');
    expect(notice.text).toContain('the password and the connected Kakao account were removed');
  });

  test('an address already confirmed keeps its password and sessions', async () => {
    const u = await registerUser(server);
    await server.app.orm.em.fork().nativeUpdate(User, { id: Number(u.user.id) }, { emailVerified: true });
    expect((await signIn(server, u.email, await requestCode(server, u.email))).errors).toBeUndefined();
    expect((await server.gql(ME, {}, { token: u.token })).errors).toBeUndefined();
    expect((await server.gql(LOGIN, { username: u.user.username, password: u.password })).errors).toBeUndefined();
  });
});

describe('who gets a code', () => {
  test('an unknown email gets the same answer as a known one, and nothing is sent', async () => {
    const u = await registerUser(server);
    const known = await server.gql(REQUEST, { e: u.email });
    const unknown = await server.gql(REQUEST, { e: 'nobody-codes@example.test' });
    expect(unknown).toEqual({ ...known, headers: unknown.headers });
    await server.app.services.background.drain();
    expect(mailsTo(u.email)).toHaveLength(1);
    expect(mail.smtp.messages.some((m) => m.to === 'nobody-codes@example.test')).toBe(false);
    expectRefused(await signIn(server, 'nobody-codes@example.test', '000000'));
  });

  test('an inactive account gets nothing, and a code mailed before deactivation stops working', async () => {
    const u = await registerUser(server);
    const code = await requestCode(server, u.email);
    await server.app.orm.em.fork().nativeUpdate(User, { id: Number(u.user.id) }, { isActive: false });
    expect((await server.gql(REQUEST, { e: u.email })).data.requestSignInCode).toBe(true);
    await server.app.services.background.drain();
    expect(mailsTo(u.email)).toHaveLength(1);
    expectRefused(await signIn(server, u.email, code));
  });
});

describe('throttles', () => {
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  const expectLimited = (r: GqlResult) => expect(firstError(r)?.extensions?.code).toBe('RATE_LIMITED');

  test('requests per address, in any spelling, from any IP: over it RATE_LIMITED and no mail', async () => {
    const s = await mail.start({ RATE_LIMIT_SIGN_IN_CODE_EMAIL: '2/600' });
    const u = await registerUser(s);
    expect((await s.gql(REQUEST, { e: u.email }, from('203.0.113.1'))).data.requestSignInCode).toBe(true);
    expect((await s.gql(REQUEST, { e: ` ${u.email.toUpperCase()}` }, from('203.0.113.2'))).data.requestSignInCode).toBe(true);
    expectLimited(await s.gql(REQUEST, { e: u.email }, from('203.0.113.3')));
    // An unknown address is counted alike, so the limit tells nothing.
    for (let i = 0; i < 2; i++) expect((await s.gql(REQUEST, { e: 'ghost-codes@example.test' })).errors).toBeUndefined();
    expectLimited(await s.gql(REQUEST, { e: 'ghost-codes@example.test' }));
    await s.app.services.background.drain();
    expect(mailsTo(u.email)).toHaveLength(2);
  });

  test('requests per client IP', async () => {
    const s = await mail.start({ RATE_LIMIT_SIGN_IN_CODE_IP: '2/600' });
    for (let i = 0; i < 2; i++) expect((await s.gql(REQUEST, { e: `ip${i}@example.test` }, from('198.51.100.9'))).errors).toBeUndefined();
    expectLimited(await s.gql(REQUEST, { e: 'ip3@example.test' }, from('198.51.100.9')));
    expect((await s.gql(REQUEST, { e: 'ip3@example.test' }, from('198.51.100.10'))).errors).toBeUndefined();
  });

  test('wrong tries per address, over all its codes; a success clears them', async () => {
    const s = await mail.start({ RATE_LIMIT_SIGN_IN_CODE_TRIES: '3/600' });
    const u = await registerUser(s);
    let code = await requestCode(s, u.email);
    for (let i = 1; i <= 2; i++) expectRefused(await signIn(s, u.email, wrong(code, i)));
    expect((await signIn(s, u.email, code)).errors).toBeUndefined();
    code = await requestCode(s, u.email);
    for (let i = 1; i <= 3; i++) expectRefused(await signIn(s, u.email, wrong(code, i), `192.0.2.${i}`));
    // A fresh code does not buy fresh tries, and neither does another IP.
    code = await requestCode(s, u.email);
    expectLimited(await signIn(s, u.email, code, '192.0.2.99'));
  });

  test('tries per client IP share the password sign-in budget (RATE_LIMIT_LOGIN_IP)', async () => {
    const s = await mail.start({ RATE_LIMIT_LOGIN_IP: '2/60' });
    const u = await registerUser(s);
    const code = await requestCode(s, u.email);
    expectRefused(await signIn(s, u.email, wrong(code), '192.0.2.50'));
    expect(errorCode(await s.gql(LOGIN, { username: u.user.username, password: 'not the password' }, from('192.0.2.50')))).toBe('INVALID_CREDENTIALS');
    expectLimited(await signIn(s, u.email, code, '192.0.2.50'));
    expect((await signIn(s, u.email, code, '192.0.2.51')).errors).toBeUndefined();
  });
});
