// What the operator reads: one outcome per sign-in, human lines when asked
// for (LOG_FORMAT=pretty; `auto` picks them in development on a terminal),
// JSON otherwise, and production's warning about a missing SMTP_URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { ROOT } from '../helpers/process';
import { startTestServer } from '../helpers/server';

const events = (logs: string[]) => logs.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

test('a sign-in that fails after the password check is logged once, as a failure', async () => {
  const s = await startTestServer();
  try {
    const u = await registerUser(s);
    // The session cannot be stored: the password was right, the sign-in still failed.
    await s.app.orm.em.fork().getConnection().execute('drop table refresh_tokens');
    const res = await s.gql(LOGIN, { username: u.user.username, password: u.password });
    expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const outcomes = events(s.logs).filter((e) => e.event === 'login').map((e) => e.msg);
    expect(outcomes).toEqual(['sign-in failed']);
  } finally {
    await s.stop();
  }
});

test('LOG_FORMAT=pretty writes one human line per record, secrets still redacted', async () => {
  const s = await startTestServer({ LOG_FORMAT: 'pretty' });
  try {
    const u = await registerUser(s);
    await s.gql(LOGIN, { username: u.user.username, password: 'wrong-password-here' });
    const text = s.logs.join('');
    expect(text).toMatch(/^\d\d:\d\d:\d\d INFO {2}authql is listening {2}url=http:\/\/127\.0\.0\.1:\d+\/graphql/m);
    expect(text).toMatch(/^\d\d:\d\d:\d\d INFO {2}POST \/graphql 200 mutation:login [\d.]+ ms {2}reqId=/m);
    expect(text).toMatch(/INFO {2}sign-in failed {2}event=login outcome=failure code=INVALID_CREDENTIALS/);
    expect(text).not.toMatch(/^\{/m);
    expect(text).not.toContain(u.token);
    expect(text).not.toContain('wrong-password-here');
  } finally {
    await s.stop();
  }
});

test('production without SMTP_URL says at start-up that no mail will be sent; with it, nothing', async () => {
  const PROD = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-tests' };
  const prod = await startTestServer(PROD);
  const withSmtp = await startTestServer({
    ...PROD,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    PASSWORD_RESET_URL: 'https://app.example/reset?token={token}',
    EMAIL_VERIFICATION_URL: 'https://app.example/verify?token={token}',
  });
  try {
    const warning = events(prod.logs).find((e) => e.level === 40);
    expect(warning?.msg).toMatch(/^SMTP_URL is not set: password-reset and email-verification mails will not be sent/);
    expect(events(withSmtp.logs).filter((e) => e.level === 40)).toEqual([]);
  } finally {
    await prod.stop();
    await withSmtp.stop();
  }
});

test('development on a terminal: human lines by default, the generated-key warning highlighted, the playground named', async () => {
  if (spawnSync('script', ['--version']).error) throw new Error("util-linux's `script` is not installed (apt-get install -y bsdutils); this test does not skip");
  const env = { PATH: process.env.PATH, NODE_ENV: 'development', PORT: '0', DATABASE_URL: 'sqlite::memory:', DATA_DIR: mkdtempSync(join(tmpdir(), 'authql-tty-')) };
  // `script` gives the server a pseudo-terminal as stdout, as `npm start` in a terminal does.
  const child = spawn('script', ['-qefc', `${process.execPath} ${join(ROOT, 'dist/src/index.js')}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line:\n${screen}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      if (screen.includes('authql is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdin.write('\u0003'); // Ctrl-C: the server shuts down as on SIGINT
  await exited;
  expect(screen).toMatch(/\u001b\[30;43mWARN \u001b\[0m \u001b\[1mJWT_SECRET_KEY is not set: using a generated development key/);
  expect(screen).toMatch(/INFO \u001b\[0m authql is listening .*url=http:\/\/127\.0\.0\.1:\d+\/graphql playground=http:\/\/127\.0\.0\.1:\d+\/graphiql/);
  expect(screen).not.toContain('"level"');
}, 30_000);
