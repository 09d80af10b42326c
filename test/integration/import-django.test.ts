// `manage import-django`, spawned as an operator runs it, against a Django +
// allauth SQLite database the test builds with Django's own table layout and
// real Django password hashes; then the imported users sign in to the real server.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createDjangoDatabase,
  type Db,
  djangoArgon2,
  djangoBcryptSha256,
  djangoPbkdf2,
  insertEmail,
  insertSocialAccount,
  insertSocialApp,
  insertUser,
  openSqlite,
} from '../helpers/django';
import { LOGIN } from '../helpers/operations';
import { errorCode, startTestServer } from '../helpers/server';

const run = promisify(execFile);
const MANAGE = join(__dirname, '../../dist/src/cli/manage.js');
const dir = mkdtempSync(join(tmpdir(), 'authql-django-'));
const djangoFile = join(dir, 'django.sqlite3');
const authqlFile = join(dir, 'authql.sqlite');
const env = { ...process.env, DATABASE_URL: `sqlite:${authqlFile}`, DATA_DIR: dir, NODE_ENV: 'test' };
const importDjango = () => run(process.execPath, [MANAGE, 'import-django', '--database', djangoFile], { env });
const PASSWORDS = { alice: 'correct-horse-battery', carol: 'purple-monkey-dishwasher', dave: 'tangerine-volcano-42' };

/** Everything the import writes, to compare before and after a run. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const db = openSqlite(authqlFile);
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of ['users', 'django_users', 'social_apps', 'social_accounts']) out[table] = await db.all(`select * from ${table} order by 1`);
    return out;
  } finally {
    await db.close();
  }
}

let django: Db;

beforeAll(async () => {
  django = await createDjangoDatabase(djangoFile);
  await insertUser(django, {
    id: 1,
    username: 'alice',
    password: djangoPbkdf2(PASSWORDS.alice),
    email: 'alice@example.com',
    isStaff: true,
    dateJoined: '2019-02-03 04:05:06.789000',
  });
  await insertUser(django, { id: 2, username: 'bob', password: '!woUx2jxHTUFOfOAlR7kDfrm82GS1ryVvdAn1WqO2', email: 'bob@example.com' });
  await insertUser(django, { id: 3, username: 'carol', password: djangoBcryptSha256(PASSWORDS.carol), email: 'carol@example.com' });
  await insertUser(django, { id: 5, username: 'dave', password: await djangoArgon2(PASSWORDS.dave), email: 'DAVE@example.com' });
  await insertUser(django, { id: 6, username: 'erin', password: 'md5$seasalt$0b2c3dfb3bd4bf1d1c4e1e5e2a8e4b11', email: 'alice@example.com' });
  await insertEmail(django, 1, 'alice@example.com', true, true);
  await insertEmail(django, 2, 'bob@example.com', false, true);
  await insertEmail(django, 5, 'dave.old@example.com', true, false);
  await insertEmail(django, 5, 'dave@example.com', true, true);
  await insertSocialApp(django, 'kakao', 'Kakao', 'kakao-rest-api-key');
  await insertSocialApp(django, 'facebook', 'Facebook', '100200300', 'fb-app-secret');
  await insertSocialApp(django, 'github', 'GitHub', 'gh-client');
  await insertSocialAccount(django, 1, 1, 'kakao', '4100000001', { id: 4100000001, properties: { nickname: 'alice' } });
  await insertSocialAccount(django, 2, 2, 'facebook', '10200300400');
  await insertSocialAccount(django, 3, 2, 'github', '777');
});

afterAll(() => django.close());

test('a broken row fails the whole import and leaves nothing behind', async () => {
  // A social account whose user is gone (SQLite does not enforce the foreign
  // key): found only after every user was written, so the rollback is real.
  await insertSocialAccount(django, 9, 99, 'kakao', '4100000099');
  const failed = importDjango();
  await expect(failed).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('Import failed, nothing was imported: socialaccount_socialaccount id 9: user_id 99 is not in auth_user'),
  });
  await failed.catch((err: { stderr: string }) => expect(err.stderr).toMatch(/importing users: 5\/5/));
  const after = await snapshot();
  expect(Object.values(after).map((rows) => rows.length)).toEqual([0, 0, 0, 0]);
  await django.run('DELETE FROM "socialaccount_socialaccount" WHERE "id" = 9');
});

test('imports users, emails, apps and social accounts, and a second run changes nothing', async () => {
  const first = await importDjango();
  expect(first.stderr).toMatch(/Found 5 users, 4 email addresses, 3 social apps, 3 social accounts/);
  expect(first.stdout).toContain('users: 5 created, 0 already imported');
  expect(first.stdout).toContain('passwords: 3 Django hashes kept (re-hashed with argon2id at first sign-in), 1 unusable, 1 in formats authql cannot check');
  expect(first.stdout).toContain('emails: 2 verified, 2 unverified, 1 left out');
  expect(first.stdout).toContain('social apps: 2 created (kakao, facebook), 0 already present');
  expect(first.stdout).toContain('social accounts: 2 created, 0 already imported');
  expect(first.stdout).toContain('skipped provider "github" (authql does not support it): 1 social accounts, 1 apps');
  expect(first.stdout).toContain('imported without their email (Django ids): 6');
  expect(first.stdout).toContain('the kakao app has no numeric App ID');

  const imported = await snapshot();
  const users = imported.users as Array<Record<string, any>>;
  expect(users.map((u) => [u.username, u.email, u.email_verified, u.is_staff])).toEqual([
    ['alice', 'alice@example.com', 1, 1],
    ['bob', 'bob@example.com', 0, 0],
    ['carol', 'carol@example.com', 0, 0],
    ['dave', 'dave@example.com', 1, 0],
    ['erin', null, 0, 0],
  ]);
  expect(users[0].password).toMatch(/^pbkdf2_sha256\$870000\$/);
  expect(users[1].password).toBe('!woUx2jxHTUFOfOAlR7kDfrm82GS1ryVvdAn1WqO2');
  expect(users[4].password).toMatch(/^!/);
  expect((imported.django_users as Array<Record<string, number>>).map((l) => [l.django_id, l.user_id])).toEqual(
    users.map((u, i) => [[1, 2, 3, 5, 6][i], u.id]),
  );

  const second = await importDjango();
  expect(second.stdout).toContain('(nothing new: everything was already imported)');
  expect(second.stdout).toContain('users: 0 created, 5 already imported');
  expect(second.stdout).toContain('social apps: 0 created, 2 already present');
  expect(second.stdout).toContain('social accounts: 0 created, 2 already imported');
  expect(await snapshot()).toEqual(imported);

  // A later Django user whose name differs from an imported one only in case cannot come over: nothing moves.
  await insertUser(django, { id: 7, username: 'ALICE', password: djangoPbkdf2('x', 1000) });
  await expect(importDjango()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('username conflicts') });
  expect(await snapshot()).toEqual(imported);
  await django.run('DELETE FROM "auth_user" WHERE "id" = 7');
});

test('imported users sign in with their Django passwords, which are then re-hashed with argon2id', async () => {
  const server = await startTestServer({ DATABASE_URL: `sqlite:${authqlFile}` });
  const passwordOf = async (username: string) => {
    const db = openSqlite(authqlFile);
    const [row] = await db.all<{ password: string }>('select password from users where username = ?', username);
    await db.close();
    return row.password;
  };
  try {
    const res = await server.gql(LOGIN, { username: 'alice', password: PASSWORDS.alice });
    expect(res.errors).toBeUndefined();
    expect(await passwordOf('alice')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const me = await server.gql(
      '{ me { username email emailVerified isStaff dateJoined socialAccounts { provider uid } } }',
      {},
      { token: res.data.login.token },
    );
    expect(me.data.me).toEqual({
      username: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      isStaff: true,
      dateJoined: '2019-02-03T04:05:06.789Z',
      socialAccounts: [{ provider: 'KAKAO', uid: '4100000001' }],
    });
    // The upgraded hash keeps working; a wrong password still fails.
    expect((await server.gql(LOGIN, { username: 'alice', password: PASSWORDS.alice })).errors).toBeUndefined();
    expect(errorCode(await server.gql(LOGIN, { username: 'alice', password: 'wrong-password-here' }))).toBe('INVALID_CREDENTIALS');

    for (const name of ['carol', 'dave'] as const) {
      expect(errorCode(await server.gql(LOGIN, { username: name, password: `${PASSWORDS[name]}x` }))).toBe('INVALID_CREDENTIALS');
      expect(await passwordOf(name)).not.toMatch(/^\$argon2id\$v=19\$m=19456/);
      expect((await server.gql(LOGIN, { username: name, password: PASSWORDS[name] })).errors).toBeUndefined();
      expect(await passwordOf(name)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    }

    // Unusable stays unusable, whatever is typed (even the stored string itself).
    for (const attempt of ['', '!woUx2jxHTUFOfOAlR7kDfrm82GS1ryVvdAn1WqO2', 'woUx2jxHTUFOfOAlR7kDfrm82GS1ryVvdAn1WqO2']) {
      expect(errorCode(await server.gql(LOGIN, { username: 'bob', password: attempt }))).toBe('INVALID_CREDENTIALS');
    }
    expect(await passwordOf('bob')).toBe('!woUx2jxHTUFOfOAlR7kDfrm82GS1ryVvdAn1WqO2');
    expect(errorCode(await server.gql(LOGIN, { username: 'erin', password: 'anything-at-all' }))).toBe('INVALID_CREDENTIALS');
  } finally {
    await server.stop();
  }
});
