// Start-up failures of the real server process, as a person meets them: a
// busy port, a database that is not there, a DATABASE_URL that names no
// database we support. Each is one line with the fix, no stack, exit 1.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/process';
import { testEnv } from '../helpers/server';

const SERVER = join(ROOT, 'dist/src/index.js');

/** Runs the server to its (failed) exit; returns what it printed on stderr. */
async function failedStart(env: Record<string, string>): Promise<string> {
  const run = promisify(execFile)(process.execPath, [SERVER], {
    env: { ...process.env, ...testEnv({ PORT: '0', ...env }) } as NodeJS.ProcessEnv,
    timeout: 20_000,
  });
  const err = (await run.then(
    () => ({ code: 0, stderr: '' }),
    (e: { code?: number; stderr?: string }) => e,
  )) as { code?: number; stderr?: string };
  expect(err.code).toBe(1);
  const stderr = err.stderr ?? '';
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return stderr.trim();
}

const listening = (): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

test('a busy port names the address and how to choose another', async () => {
  const taken = await listening();
  try {
    const line = await failedStart({ PORT: String(portOf(taken)), DATABASE_URL: 'sqlite::memory:' });
    expect(line).toBe(
      `authql cannot start: 127.0.0.1:${portOf(taken)} is already in use (another authql, or another program): stop it, or start on another port, e.g. PORT=4000 npm start (PORT=0 picks a free one).`,
    );
  } finally {
    taken.close();
  }
});

test('an unreachable PostgreSQL names the database (password hidden) and the fix', async () => {
  const closed = await listening();
  const port = portOf(closed);
  await new Promise((r) => closed.close(r));
  const line = await failedStart({ DATABASE_URL: `postgres://authql:hunter2-secret@127.0.0.1:${port}/authql` });
  expect(line).toBe(
    `authql cannot start: the database at postgres://authql:***@127.0.0.1:${port}/authql refused the connection (is it running?): start it, or fix DATABASE_URL.`,
  );
});

test('a DATABASE_URL of another kind is refused before anything is created', async () => {
  const line = await failedStart({ DATABASE_URL: 'mysql://root:hunter2-secret@127.0.0.1/authql' });
  expect(line).toBe(
    'authql cannot start: DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres://user:password@host:5432/db (got "mysql://root:***@127.0.0.1/authql").',
  );
  expect(await failedStart({ DATABASE_URL: 'postgresql:/authql' })).toMatch(/^authql cannot start: DATABASE_URL must be .*\(got "postgresql:\/authql"\)\.$/);
});
