// Registration, sign-in and what kills tokens, over real HTTP.
import { User } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { hashesSoFar, minimum, timed } from '../helpers/measure';
import { LOGIN, ME, REFRESH, REGISTER, USERS, VERIFY } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const register = (input: Record<string, string>) => server.gql(REGISTER, { input });
const login = (username: string, password: string) => server.gql(LOGIN, { username, password });

describe('register', () => {
  test('creates the account and signs it in; the user sees their own email', async () => {
    const res = await register({ username: 'Register1', email: 'register1@example.test', password: GOOD_PASSWORD });
    expect(res.errors).toBeUndefined();
    expect(res.data.register.user).toMatchObject({ username: 'Register1', email: 'register1@example.test' });
    expect(res.data.register.token).toEqual(expect.any(String));
  });

  test.each([
    ['short', 'Ab1!xyz', 'at least 8'],
    ['entirely numeric', '8675309123', 'entirely numeric'],
    ['common', 'password123', 'too common'],
    ['too similar to the username', 'pwrulesuser1', 'too similar'],
    ['too long', 'x'.repeat(257), ''],
  ])('refuses a %s password with BAD_USER_INPUT on field password', async (_n, password, message) => {
    const res = await register({ username: 'pwrulesuser', email: 'pw@example.test', password });
    expect(firstError(res)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(firstError(res)?.message).toContain(message);
    expect(JSON.stringify(res.errors)).not.toContain(password); // never echoed back
  });

  test('refuses bad usernames and emails naming the field', async () => {
    expect(firstError(await register({ username: 'has space', email: 'a@b.test', password: GOOD_PASSWORD }))?.extensions?.field).toBe('username');
    expect(firstError(await register({ username: 'okname', email: 'not-an-email', password: GOOD_PASSWORD }))?.extensions?.field).toBe('email');
  });

  test('a taken username (any case) or email is BAD_USER_INPUT naming the field', async () => {
    const u = await registerUser(server);
    const dupName = await register({ username: u.user.username.toUpperCase(), email: 'fresh@example.test', password: GOOD_PASSWORD });
    expect(firstError(dupName)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    const dupEmail = await register({ username: 'freshname', email: u.email.toUpperCase(), password: GOOD_PASSWORD });
    expect(firstError(dupEmail)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  test('ten concurrent registrations of one name make exactly one user and no 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register({ username: 'racer', email: `racer${i}@example.test`, password: GOOD_PASSWORD })),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.status).toBe(200);
      expect(firstError(r)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    }
    expect(await server.app.orm.em.fork().count(User, { usernameKey: 'racer' })).toBe(1);
  });

  test('passwords are stored and checked exactly as typed', async () => {
    const password = '  Ünïcødé pass 🦄  ';
    const u = await registerUser(server, { password });
    expect((await login(u.user.username, password)).errors).toBeUndefined();
    expect(errorCode(await login(u.user.username, password.trim()))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await login(u.user.username, password.normalize('NFD')))).toBe('INVALID_CREDENTIALS');
  });
});

describe('login', () => {
  test('by username in any case, or by email', async () => {
    const u = await registerUser(server);
    for (const name of [u.user.username, u.user.username.toUpperCase(), u.email]) {
      const res = await login(name, u.password);
      expect(res.errors).toBeUndefined();
      expect(res.data.login.user.id).toBe(u.user.id);
    }
  });

  test('unknown user, wrong password and inactive user get the identical error', async () => {
    const u = await registerUser(server);
    const inactive = await registerUser(server);
    const em = server.app.orm.em.fork();
    await em.nativeUpdate(User, { id: Number(inactive.user.id) }, { isActive: false });
    const answers = [
      await login('nobody-at-all', 'whatever-password'),
      await login(u.user.username, 'wrong-password-here'),
      await login(inactive.user.username, inactive.password),
    ];
    for (const a of answers) {
      expect(a.errors).toEqual([
        {
          message: 'Unable to sign in with the provided credentials.',
          locations: expect.any(Array),
          path: ['login'],
          extensions: { code: 'INVALID_CREDENTIALS' },
        },
      ]);
    }
  });

  test('an unknown user costs the same hashing work and time as a wrong password', async () => {
    const u = await registerUser(server);
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = await hashesSoFar(server);
      unknown.push(await timed(() => login(`ghost-${i}`, 'definitely-wrong-password')));
      // The dummy hash: an unknown user is checked like a real one.
      expect((await hashesSoFar(server)) - before).toBe(1);
      wrong.push(await timed(() => login(u.user.username, 'definitely-wrong-password')));
    }
    // Without the dummy hash the unknown user would answer ~30x faster.
    const ratio = minimum(unknown) / minimum(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  test('updates lastLogin', async () => {
    const u = await registerUser(server);
    const res = await server.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { lastLogin dateJoined } } }`, {
      u: u.user.username,
      p: u.password,
    });
    expect(Date.parse(res.data.login.user.lastLogin)).toBeGreaterThanOrEqual(Date.parse(res.data.login.user.dateJoined));
  });
});

describe('what ends every earlier token of a user', () => {
  async function signedIn() {
    const u = await registerUser(server);
    const second = (await login(u.user.username, u.password)).data.login;
    return { u, sessions: [u, second] };
  }
  async function expectDead(tokens: Array<{ token: string; refreshToken: string }>, reason: 'TOKEN_INVALID' | 'USER_INACTIVE') {
    for (const t of tokens) {
      expect(firstError(await server.gql(USERS, {}, { token: t.token }))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
      expect(errorCode(await server.gql(VERIFY, { token: t.token }))).toBe('TOKEN_INVALID');
      expect(errorCode(await server.gql(REFRESH, { refreshToken: t.refreshToken }))).toBe('TOKEN_INVALID');
    }
  }

  test('a password change through the model', async () => {
    const { u, sessions } = await signedIn();
    const em = server.app.orm.em.fork();
    const user = await em.findOneOrFail(User, Number(u.user.id));
    user.password = await server.app.services.passwords.hash('a brand new passphrase');
    await em.flush();
    await expectDead(sessions, 'TOKEN_INVALID');
    expect((await login(u.user.username, 'a brand new passphrase')).errors).toBeUndefined();
  });

  test('deactivation', async () => {
    const { u, sessions } = await signedIn();
    const em = server.app.orm.em.fork();
    const user = await em.findOneOrFail(User, Number(u.user.id));
    user.isActive = false;
    await em.flush();
    await expectDead(sessions, 'USER_INACTIVE');
  });

  test('deletion', async () => {
    const { u, sessions } = await signedIn();
    await server.app.orm.em.fork().nativeDelete(User, { id: Number(u.user.id) });
    await expectDead(sessions, 'TOKEN_INVALID');
    expect((await server.gql(ME, {}, { token: u.token })).data.me).toBeNull();
  });
});
