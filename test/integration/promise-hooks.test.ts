// No AsyncLocalStorage runs while authql serves (db/entity-manager.ts): in
// Node 20 one that has run once puts a hook on every promise the process makes
// from then on, which cost verifyToken a fifth of its CPU on PostgreSQL. The
// hook shows on a promise as async-id symbols; the server runs as a process of
// its own (the test runner's other files load libraries that turn it on), with
// a probe that reports on SIGUSR2. The requests walk the paths that used to
// run one: a flush (MikroORM's unit of work), a transaction (MikroORM's
// TransactionContext), an audit row with its client (the audit log's scope),
// and the background workers' claims.
import { join } from 'node:path';
import { freshDatabase } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH } from '../helpers/operations';
import { gqlAt, type ServerProcess, spawnServer } from '../helpers/process';
import { startTestServer, type TestServer, testEnv } from '../helpers/server';

const PROBE = join(__dirname, '../helpers/promise-hook-probe.js');

async function hooks(server: ServerProcess): Promise<string> {
  const seen = server.lines.length;
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const line = server.lines
      .slice(seen)
      .join('')
      .match(/promise-hooks: (on|off)/);
    if (line) return line[1];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the probe did not answer');
}

test('serving sign-ins, refreshes, reads, writes and transactions leaves promises without hooks', async () => {
  const db = await freshDatabase({ shared: true });
  const server = await spawnServer({ ...process.env, ...testEnv({ NODE_ENV: 'development' }, db.url) } as NodeJS.ProcessEnv, ['-r', PROBE]);
  const gql = (query: string, variables: Record<string, unknown> = {}, token?: string) => gqlAt(server.url, query, variables, token);
  try {
    expect(await hooks(server)).toBe('off');
    const username = `hookless${Date.now().toString(36)}`;
    const password = 'correct horse battery staple';
    const registered = await gql('mutation($i: RegisterInput!) { register(input: $i) { token } }', {
      i: { username, email: `${username}@example.test`, password },
    });
    expect(registered.errors).toBeUndefined();
    const login = await gql(LOGIN, { username, password });
    expect(login.errors).toBeUndefined();
    expect((await gql(LOGIN, { username, password: 'wrong password' })).errors?.[0].extensions?.code).toBe('INVALID_CREDENTIALS');
    const refreshed = await gql(REFRESH, { refreshToken: login.data.login.refreshToken });
    expect(refreshed.errors).toBeUndefined();
    const { token, refreshToken } = refreshed.data.refreshToken;
    expect((await gql('mutation($t: String!) { verifyToken(token: $t) { payload { sub } } }', { t: token })).errors).toBeUndefined();
    expect((await gql('query { me { id } users(first: 2) { edges { node { id } } } }', {}, token)).errors).toBeUndefined();
    expect((await gql('mutation($i: UpdateMeInput!) { updateMe(input: $i) { firstName } }', { i: { firstName: 'Hookless' } }, token)).errors).toBeUndefined();
    // A transaction of its own (sessions/user-sessions.ts), and the workers' claims, which run every second.
    expect((await gql('mutation($r: String!) { revokeToken(refreshToken: $r) }', { r: refreshToken })).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await hooks(server)).toBe('off');
  } finally {
    await server.stop();
    await db.drop?.();
  }
}, 60_000);

describe('audit rows', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  test('still name the client of the request that wrote them, a failed sign-in too', async () => {
    const u = await registerUser(s);
    const agent = 'hookless-agent/1.0';
    await s.gql(LOGIN, { username: u.user.username, password: 'wrong password' }, { headers: { 'user-agent': agent } });
    await s.gql(LOGIN, { username: u.user.username, password: u.password }, { headers: { 'user-agent': agent } });
    const rows = await s.app.orm.em
      .fork()
      .getConnection()
      .execute('select outcome, ip, user_agent from audit_events where user_id = ? and action = ? order by id', [Number(u.user.id), 'sign_in']);
    expect(rows.map((r: Record<string, unknown>) => [r.outcome, r.ip, r.user_agent])).toEqual([
      ['failure', '127.0.0.1', agent],
      ['success', '127.0.0.1', agent],
    ]);
  });
});
