// A username cannot capture an email: new usernames that are an email address
// other than the account's own are refused everywhere authql makes one, and
// `login` with an `@` matches the email first. Django usernames already
// shaped like an email are imported and keep signing in.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDjangoDatabase, djangoPbkdf2, insertUser } from '../helpers/django';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { newToken, socialLogin, updateUser, useSocialServer } from '../helpers/social';

const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username } }`;
const UPDATE_USER = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { username } }`;
const EMAIL_SHAPED = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const secrets = new SecretLog();
const s = useSocialServer();
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((x) => x.stop())));
const register = (server: TestServer, username: string, email: string) => server.gql(REGISTER, { input: { username, email, password: GOOD_PASSWORD } });
const usernameRefused = { code: 'BAD_USER_INPUT', field: 'username' };

test('register refuses a username that is someone else’s email, in any spelling NFKC folds', async () => {
  for (const username of ['victim@example.test', 'Victim@Example.Test', 'ｖｉｃｔｉｍ@example.test']) {
    expect(firstError(await register(s.server, username, 'me@example.test'))?.extensions).toEqual(usernameRefused);
  }
  // The account's own email is a fine username, and so is anything that is not an email address.
  expect((await register(s.server, 'Own@Example.test', 'own@example.test')).errors).toBeUndefined();
  expect((await register(s.server, 'at@home', 'athome@example.test')).errors).toBeUndefined();
});

test('staff createUser and updateUser refuse one too', async () => {
  const staff = await registerUser(s.server);
  await updateUser(s.server, staff.user.id, { isStaff: true });
  const token = staff.token;
  expect(firstError(await s.server.gql(CREATE_USER, { i: { username: 'boss@example.test', email: 'someone@example.test' } }, { token }))?.extensions).toEqual(
    usernameRefused,
  );
  expect(firstError(await s.server.gql(CREATE_USER, { i: { username: 'nomail@example.test' } }, { token }))?.extensions).toEqual(usernameRefused);
  const made = await s.server.gql(CREATE_USER, { i: { username: 'plain-name', email: 'plain@example.test' } }, { token });
  expect(made.errors).toBeUndefined();
  const id = made.data.createUser.id;
  expect(firstError(await s.server.gql(UPDATE_USER, { id, i: { username: 'boss@example.test' } }, { token }))?.extensions).toEqual(usernameRefused);
  // Its own address (the current one, or the one set in the same change) is allowed.
  expect((await s.server.gql(UPDATE_USER, { id, i: { username: 'plain@example.test' } }, { token })).data.updateUser.username).toBe('plain@example.test');
  expect((await s.server.gql(UPDATE_USER, { id, i: { username: 'moved@example.test', email: 'moved@example.test' } }, { token })).errors).toBeUndefined();
});

test('a social sign-in never makes an email-shaped username out of a nickname', async () => {
  const kakao = s.kakao.add(newToken('kakao'), { user: { id: 7200000001, nickname: 'ceo@example.test' } });
  const res = await socialLogin(s.server, 'KAKAO', kakao);
  expect(res.errors).toBeUndefined();
  expect(res.data.socialLogin.user.username).not.toMatch(EMAIL_SHAPED);
  // Unless it is the address the provider gave for this very account.
  const own = s.kakao.add(newToken('kakao'), { user: { id: 7200000002, nickname: 'self@example.test', email: 'self@example.test' } });
  expect((await socialLogin(s.server, 'KAKAO', own)).data.socialLogin.user.username).toBe('self@example.test');
});

describe('an imported Django username shaped like an email', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authql-usernames-'));
  const authqlFile = join(dir, 'authql.sqlite');
  const legacyPassword = secrets.add('legacy-password-from-django');
  let server: TestServer;
  beforeAll(async () => {
    const django = await createDjangoDatabase(join(dir, 'django.sqlite3'));
    await insertUser(django, {
      id: 1,
      username: 'legacy@old-domain.example',
      password: djangoPbkdf2(legacyPassword, 1000),
      email: 'legacy@new-domain.example',
    });
    await django.close();
    const env = { ...process.env, DATABASE_URL: `sqlite:${authqlFile}`, DATA_DIR: dir, NODE_ENV: 'test' };
    await promisify(execFile)(process.execPath, [join(__dirname, '../../dist/src/cli/manage.js'), 'import-django', '--database', join(dir, 'django.sqlite3')], {
      env,
    });
    server = await startTestServer({ DATABASE_URL: `sqlite:${authqlFile}`, DATA_DIR: dir });
    servers.push(server);
  });

  test('is imported and signs in with it', async () => {
    const r = await server.gql(LOGIN, { username: 'legacy@old-domain.example', password: legacyPassword });
    expect(r.errors).toBeUndefined();
    expect(r.data.login.user.username).toBe('legacy@old-domain.example');
  });

  test('but once another account holds that address, `login` with it signs into the email’s account', async () => {
    const owner = await register(server, 'real-owner', 'legacy@old-domain.example');
    expect(owner.errors).toBeUndefined();
    const r = await server.gql(LOGIN, { username: 'LEGACY@old-domain.example', password: GOOD_PASSWORD });
    expect(r.errors).toBeUndefined();
    expect(r.data.login.user.username).toBe('real-owner');
    // The legacy password against that input is just a wrong password now…
    expect(errorCode(await server.gql(LOGIN, { username: 'legacy@old-domain.example', password: legacyPassword }))).toBe('INVALID_CREDENTIALS');
    // …and the imported user signs in with their own email.
    expect((await server.gql(LOGIN, { username: 'legacy@new-domain.example', password: legacyPassword })).data.login.user.username).toBe(
      'legacy@old-domain.example',
    );
  });
});

test('login without an `@` still prefers the username', async () => {
  // `at@home` is not an email address, so it may be a username; an input without `@` never matches an email.
  const a = await registerUser(s.server, { username: 'plainuser', email: 'plainuser-mail@example.test' });
  expect((await s.server.gql(LOGIN, { username: 'PLAINUSER', password: a.password })).data.login.user.username).toBe('plainuser');
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn([s.server, ...servers].map((x) => x.logs.join('')).join(''))).toEqual([]);
});
