// The real `manage` commands, spawned as a person would run them.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { LOGIN } from '../helpers/operations';
import { startTestServer } from '../helpers/server';

const run = promisify(execFile);
const MANAGE = join(__dirname, '../../dist/src/cli/manage.js');

const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((d) => d.drop())));

/** The environment for `manage`: a fresh database shared with a test server (SQLite file or PostgreSQL). */
async function manageEnv() {
  const db = await freshDatabase({ shared: true });
  databases.push(db);
  const dir = mkdtempSync(join(tmpdir(), 'authql-cli-'));
  return { ...process.env, DATABASE_URL: db.url, DATA_DIR: dir, NODE_ENV: 'test' };
}

test('migrate, then createsuperuser, and the superuser can sign in as staff', async () => {
  const env = await manageEnv();
  const migrate = await run(process.execPath, [MANAGE, 'migrate'], { env });
  expect(migrate.stdout).toContain('Applied Migration20261126000000');
  expect((await run(process.execPath, [MANAGE, 'migrate'], { env })).stdout).toContain('No migrations to apply');

  const created = await run(
    process.execPath,
    [MANAGE, 'createsuperuser', '--username', 'root', '--email', 'root@example.test', '--password', 'tangerine-volcano-42'],
    { env },
  );
  expect(created.stdout).toMatch(/Superuser "root" created/);

  await expect(run(process.execPath, [MANAGE, 'createsuperuser', '--username', 'root2'], { env })).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('--email is required when stdin is not a terminal'),
  });
  await expect(
    run(process.execPath, [MANAGE, 'createsuperuser', '--username', 'weak', '--email', 'w@example.test', '--password', '12345678'], { env }),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining('password: The password'),
  });

  const server = await startTestServer({ DATABASE_URL: env.DATABASE_URL });
  try {
    const res = await server.gql(LOGIN, { username: 'root', password: 'tangerine-volcano-42' });
    expect(res.errors).toBeUndefined();
    const me = await server.gql('{ me { username isStaff } }', {}, { token: res.data.login.token });
    expect(me.data.me).toEqual({ username: 'root', isStaff: true });
  } finally {
    await server.stop();
  }
});

test('unknown commands print the usage and fail', async () => {
  // Exit 2: the command line is wrong (exit 1 is a command that ran and refused).
  await expect(run(process.execPath, [MANAGE, 'frobnicate'], { env: { ...process.env, DATABASE_URL: 'sqlite::memory:' } })).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Usage: npm run manage'),
  });
});

test('socialapp:add, socialapp:list and socialapp:remove from the shell', async () => {
  const env = await manageEnv();
  const manage = (...args: string[]) => run(process.execPath, [MANAGE, ...args], { env });
  const added = await manage(
    'socialapp:add',
    '--provider',
    'kakao',
    '--name',
    'Kakao app',
    '--client-id',
    'rest-api-key',
    '--secret',
    'shh-secret-value',
    '--key',
    '123456',
  );
  expect(added.stdout).toMatch(/kakao/i);
  const list = await manage('socialapp:list');
  expect(list.stdout).toContain('Kakao app');
  expect(list.stdout).toContain('123456');
  expect(list.stdout).not.toContain('shh-secret-value');
  await expect(manage('socialapp:add', '--provider', 'myspace', '--name', 'x', '--client-id', 'y')).rejects.toMatchObject({ code: 1 });
  const removed = await manage('socialapp:remove', '--provider', 'kakao');
  expect(removed.stdout).toMatch(/remov/i);
  expect((await manage('socialapp:list')).stdout).not.toContain('Kakao app');
});
