// The `manage` command line as a person meets it: help that exits 0, strict
// flags (a typo is an error, exit 2, nothing done), socialapp:update, and an
// interactive createsuperuser on a real pseudo-terminal (util-linux `script`)
// that asks again after a refused answer.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { User } from '../../src/entities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { LOGIN } from '../helpers/operations';
import { ROOT } from '../helpers/process';
import { startTestServer } from '../helpers/server';

const MANAGE = join(ROOT, 'dist/src/cli/manage.js');
// Each test starts several CLI processes (~1 s each on a quiet machine); on a loaded one they need longer.
jest.setTimeout(120_000);
const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((d) => d.drop())));

async function manageEnv(): Promise<NodeJS.ProcessEnv> {
  const db = await freshDatabase({ shared: true });
  databases.push(db);
  return { ...process.env, DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'authql-cli-')), NODE_ENV: 'test' };
}

/** Runs manage to its exit: code, stdout, stderr. */
async function manage(args: string[], env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: 'sqlite::memory:' }, script = MANAGE) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('--help, -h and help exit 0 with the usage; no command exits 2', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await manage(args);
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('Usage: npm run manage -- <command> [flags]')]);
    expect(r.stdout).toContain('socialapp:update');
  }
  for (const args of [
    ['createsuperuser', '--help'],
    ['createsuperuser', '-h'],
    ['help', 'createsuperuser'],
  ]) {
    const r = await manage(args);
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('Usage: npm run manage -- createsuperuser [--username U] [--email E] [--password P]')]);
  }
  const none = await manage([]);
  expect([none.code, none.stdout, none.stderr]).toEqual([2, '', expect.stringContaining('Commands:')]);
  // Through `npm run manage`'s own script: compiled output, no rebuild when nothing changed.
  const viaScript = await manage(['-h'], process.env, join(ROOT, 'scripts/manage.js'));
  expect([viaScript.code, viaScript.stderr]).toEqual([0, '']);
});

test('an unknown flag or command is an error (exit 2) and nothing is done', async () => {
  const env = await manageEnv();
  const typo = await manage(
    ['createsuperuser', '--username', 'root', '--email', 'r@example.test', '--password', 'tangerine-volcano-42', '--secrt', 'oops'],
    env,
  );
  expect(typo).toEqual({ code: 2, stdout: '', stderr: "createsuperuser: Unknown option '--secrt'. See: npm run manage -- createsuperuser --help\n" });
  const near = await manage(['socialapp:add', '--provider', 'facebook', '--name', 'FB', '--client-id', '1', '--secrt', 'oops'], env);
  expect([near.code, near.stderr]).toEqual([2, expect.stringContaining("Unknown option '--secrt' (did you mean --secret?)")]);
  expect((await manage(['socialapp:add', '--name'], env)).stderr).toMatch(/^socialapp:add: Option '--name <value>' argument missing\./);
  expect((await manage(['migrate', 'now'], env)).code).toBe(2);
  expect((await manage(['createsuperuser'], env)).code).toBe(1); // a flag is missing and nobody is at a terminal: refused, not misused
  const server = await startTestServer({ DATABASE_URL: env.DATABASE_URL });
  try {
    expect(await server.app.orm.em.fork().count(User, {})).toBe(0);
  } finally {
    await server.stop();
  }
});

test('socialapp:update from the shell keeps what it is not told to change', async () => {
  const env = await manageEnv();
  await manage(['socialapp:add', '--provider', 'kakao', '--name', 'Kakao', '--client-id', 'rest-key', '--key', '1234567', '--secret', 'kakao-secret-1'], env);
  const again = await manage(['socialapp:add', '--provider', 'kakao', '--name', 'Kakao 2', '--client-id', 'other', '--key', '1'], env);
  expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('Use: npm run manage -- socialapp:update --provider kakao')]);
  const updated = await manage(['socialapp:update', '--provider', 'kakao', '--extra-client-ids', 'native-key,js-key'], env);
  expect(updated).toMatchObject({
    code: 0,
    stdout: expect.stringMatching(/^Social app updated: #\d+ kakao "Kakao" client-id=rest-key extra-client-ids=native-key,js-key key=1234567 secret=set\n$/),
  });
  const refused = await manage(['socialapp:update', '--provider', 'kakao', '--key', 'not-a-number'], env);
  expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/^key: Kakao needs the app's numeric App ID/)]);
  expect((await manage(['socialapp:list'], env)).stdout).toContain('key=1234567');
});

/** createsuperuser on a pseudo-terminal, answering each prompt as it appears. */
function interactive(env: NodeJS.ProcessEnv, answers: Array<[prompt: string, answer: string]>): Promise<{ code: number | null; screen: string }> {
  if (spawnSync('script', ['--version']).error)
    throw new Error("util-linux's `script` is not installed (apt-get install -y bsdutils); this test does not skip");
  const child = spawn('script', ['-qefc', `${process.execPath} ${MANAGE} createsuperuser`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  let from = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
    while (next < answers.length && screen.indexOf(answers[next][0], from) >= 0) {
      from = screen.indexOf(answers[next][0], from) + answers[next][0].length;
      child.stdin.write(`${answers[next][1]}\r`);
      next += 1;
    }
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, screen: screen.replace(/\u001b\[[\d;]*[A-Za-z]/g, '') })));
}

test('interactive createsuperuser asks again after a taken name, a weak password or a mismatch', async () => {
  const env = await manageEnv();
  await manage(['createsuperuser', '--username', 'taken', '--email', 'taken@example.test', '--password', 'tangerine-volcano-42'], env);
  const { code, screen } = await interactive(env, [
    ['Username: ', 'taken'],
    ['Email address: ', 'root@example.test'],
    ['Password: ', '12345678'],
    ['Password (again): ', '12345678'],
    ['Password: ', 'pear-orchard-sunrise-9'],
    ['Password (again): ', 'pear-orchard-sunrise-8'],
    ['Password: ', 'pear-orchard-sunrise-9'],
    ['Password (again): ', 'pear-orchard-sunrise-9'],
    // The name is refused at creation: only the name is asked again.
    ['Username: ', 'root'],
  ]);
  expect(code).toBe(0);
  expect(screen).toContain('Error: A user with that username already exists.');
  expect(screen).toContain('Error: The password cannot be entirely numeric.');
  expect(screen).toContain('Error: the two passwords differ. Try again.');
  expect(screen).toContain('Superuser "root" created');
  expect(screen).not.toContain('pear-orchard'); // never echoed
  const server = await startTestServer({ DATABASE_URL: env.DATABASE_URL });
  try {
    const res = await server.gql(LOGIN, { username: 'root', password: 'pear-orchard-sunrise-9' });
    expect(res.errors).toBeUndefined();
  } finally {
    await server.stop();
  }
}, 60_000);
