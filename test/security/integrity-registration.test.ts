// With ACCOUNT_EMAIL_VERIFICATION=mandatory, register does not tell whether an
// email already has an account: the answer, its timing class, what a later
// sign-in or `user(id)` shows and whether the username is then taken are the
// same either way, and the address's owner is told by mail.
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { LOGIN } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, type TestServer } from '../helpers/server';
import { updateUser } from '../helpers/social';

const REGISTER = `mutation($input: RegisterInput!) {
  register(input: $input) { token refreshToken payload { sub } refreshExpiresIn emailVerificationRequired user { id username email emailVerified isActive lastLogin } }
}`;
const USER = `query($id: ID!) { user(id: $id) { id username email emailVerified isActive lastLogin firstName lastName } }`;
const USERS = `query($search: String) { users(search: $search) { totalCount edges { node { id } } } }`;
const NOTICE = 'Someone tried to register with your email address';

const secrets = new SecretLog();
secrets.add(GOOD_PASSWORD);
const mail = useMailServers({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
const start = (env: Record<string, string> = {}) => mail.start(env);
const register = (s: TestServer, username: string, email: string, password = GOOD_PASSWORD) => s.gql(REGISTER, { input: { username, email, password } });
/** The answer with the parts that must differ (the id, the echoed input) taken out. */
const shape = (r: Awaited<ReturnType<typeof register>>) => {
  const { id, username, email, ...rest } = r.data?.register?.user ?? {};
  return { errors: r.errors, ...r.data?.register, user: { ...rest, id: typeof id, username: typeof username, email: typeof email } };
};

describe('ACCOUNT_EMAIL_VERIFICATION=mandatory', () => {
  let s: TestServer;
  /** A signed-in, verified account to look with. */
  const verifiedToken = async (username: string, change: { isStaff?: boolean } = {}) => {
    const r = await register(s, username, `${username}@example.test`);
    await updateUser(s, r.data.register.user.id, { emailVerified: true, ...change });
    return (await s.gql(LOGIN, { username, password: GOOD_PASSWORD })).data.login.token as string;
  };
  beforeAll(async () => {
    s = await start();
    await register(s, 'owner', 'owner@example.test');
  });

  test('a taken email answers exactly like a fresh one, and the owner is told', async () => {
    const fresh = await register(s, 'prober-a', 'nobody-yet@example.test');
    const taken = await register(s, 'prober-b', 'Owner@Example.test');
    expect(fresh.errors).toBeUndefined();
    expect(shape(taken)).toEqual(shape(fresh));
    expect(taken.data.register.user).toMatchObject({ username: 'prober-b', email: 'Owner@Example.test', emailVerified: false });
    const notice = await mail.smtp.waitFor((m) => m.to === 'owner@example.test' && m.subject === NOTICE);
    expect(notice.text).toContain('owner'); // their username, so they know how to sign in
    expect(notice.text).not.toMatch(/token=/);
    // The prober gets nothing: no verification mail goes anywhere for the hidden attempt.
    await mail.smtp.waitFor((m) => m.to === 'owner@example.test' && m.subject === 'Confirm your email address');
    await new Promise((r) => setTimeout(r, 200));
    expect(
      mail.smtp.messages
        .filter((m) => m.to.toLowerCase() === 'owner@example.test')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Confirm your email address', NOTICE]);
  });

  test('what follows is the same too: sign-in, the username, and user(id)', async () => {
    const fresh = (await register(s, 'prober-c', 'nobody-else@example.test')).data.register.user;
    const taken = (await register(s, 'prober-d', 'owner@example.test')).data.register.user;
    // Signing in with the right password: not verified, either way.
    expect(errorCode(await s.gql(LOGIN, { username: 'prober-c', password: GOOD_PASSWORD }))).toBe('EMAIL_NOT_VERIFIED');
    expect(errorCode(await s.gql(LOGIN, { username: 'prober-d', password: GOOD_PASSWORD }))).toBe('EMAIL_NOT_VERIFIED');
    // Both usernames are taken now (usernames are public and stay reported).
    for (const name of ['prober-c', 'prober-d', 'OWNER']) {
      expect(firstError(await register(s, name, `other-${name}@example.test`))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'username' });
    }
    // A signed-in third party sees neither: both are pending (never signed in, email unconfirmed).
    const token = await verifiedToken('looker');
    const visible = async (search: string) => (await s.gql(USERS, { search }, { token })).data.users;
    for (const u of [fresh, taken]) {
      expect((await s.gql(USER, { id: u.id }, { token })).data.user).toBeNull();
      expect(await visible(u.username)).toEqual({ totalCount: 0, edges: [] });
    }
    // Staff see both, alike but for the email only staff may see.
    const staff = await verifiedToken('staffer', { isStaff: true });
    const [a, b] = await Promise.all([fresh, taken].map(async (u) => (await s.gql(USER, { id: u.id }, { token: staff })).data.user));
    expect({ ...b, id: 0, username: '', email: '' }).toEqual({ ...a, id: 0, username: '', email: '' });
    expect(b).toMatchObject({ email: null, emailVerified: false, isActive: true, lastLogin: null });
    // Once the fresh account's address is confirmed it is an ordinary, visible account.
    await updateUser(s, fresh.id, { emailVerified: true });
    expect((await s.gql(USER, { id: fresh.id }, { token })).data.user.username).toBe('prober-c');
    expect((await visible('prober-c')).totalCount).toBe(1);
  });

  test('a username spelled like the taken email is taken like an own-email username, and captures nothing', async () => {
    const owner = await verifiedToken('owner2');
    const fresh = await register(s, 'unused-4@example.test', 'unused-4@example.test');
    const taken = await register(s, 'Owner2@example.test', 'owner2@example.test');
    expect(shape(taken)).toEqual(shape(fresh));
    // Typing the address signs into the address's owner, not the new account…
    expect((await s.gql(LOGIN, { username: 'owner2@example.test', password: GOOD_PASSWORD })).data.login.user.username).toBe('owner2');
    // …which nobody but staff can see.
    expect((await s.gql(USER, { id: taken.data.register.user.id }, { token: owner })).data.user).toBeNull();
  });

  test('the hashing work is done either way (same timing class)', async () => {
    const time = async (username: string, email: string) => {
      const t = process.hrtime.bigint();
      const r = await register(s, username, email);
      expect(r.errors).toBeUndefined();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const fresh: number[] = [];
    const taken: number[] = [];
    for (let i = 0; i < 7; i++) {
      fresh.push(await time(`timing-f${i}`, `timing-f${i}@example.test`));
      taken.push(await time(`timing-t${i}`, 'owner@example.test'));
    }
    // Minimums: load on a shared machine only ever adds time. Without the
    // hashing a taken email would answer in a tenth of the time.
    const ratio = Math.min(...taken) / Math.min(...fresh);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  test('bad input is still reported in the same order for both', async () => {
    for (const email of ['owner@example.test', 'unused-3@example.test']) {
      expect(firstError(await register(s, 'owner', email))?.extensions?.field).toBe('username');
      expect(firstError(await register(s, 'fine-name', email, '12345678'))?.extensions?.field).toBe('password');
    }
  });

  test('racing fresh registrations of one new email: every answer looks alike, one account holds it', async () => {
    const answers = await Promise.all([0, 1, 2].map((i) => register(s, `racer${i}`, 'contested@example.test')));
    for (const r of answers) expect(shape(r)).toEqual(shape(answers[0]));
    expect(answers[0].errors).toBeUndefined();
    const holders = await s.app.orm.em.fork().count('User', { emailKey: 'contested@example.test' });
    expect(holders).toBe(1);
  });
});

test('in the other modes a taken email is still reported: register signs in at once, so it cannot be hidden', async () => {
  for (const mode of ['optional', 'none']) {
    const s = await start({ ACCOUNT_EMAIL_VERIFICATION: mode });
    const u = await registerUser(s, { username: `first-${mode}` });
    expect(firstError(await register(s, `second-${mode}`, u.email))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
  }
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(mail.servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
