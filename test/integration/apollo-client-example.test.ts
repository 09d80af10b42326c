// examples/apollo-client, as a developer would use it: codegen from the
// committed schema.graphql, a strict type-check (and build), then a run
// against a live server whose access tokens last two seconds, so the refresh
// path really happens: three requests fail together with TOKEN_EXPIRED and
// share one refreshToken call; a revoked session signs the client out.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RefreshToken, Session } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/apollo-client');
const bin = (pkg: string) => join(ROOT, 'node_modules', pkg);

let server: TestServer;

beforeAll(async () => {
  // Two seconds, not one: a token refreshed late in a second would otherwise
  // expire again before the retries reach the server, and the test would flake.
  server = await startTestServer({ JWT_EXPIRATION_DELTA: '2' });
});

afterAll(() => server.stop());

test('codegen, type-check, and a run that refreshes once for concurrent failures', async () => {
  await run(process.execPath, [bin('@graphql-codegen/cli/esm/bin.js'), '--config', 'codegen.ts'], { cwd: EXAMPLE });
  expect(readFileSync(join(EXAMPLE, 'src/gql/graphql.ts'), 'utf8')).toContain('export type UsersQuery');
  await run(process.execPath, [bin('typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')]);

  const alice = await registerUser(server, { username: 'alice' });
  await registerUser(server, { username: 'bob' });
  const { stdout } = await run(process.execPath, [join(EXAMPLE, 'dist/main.js')], {
    env: { ...process.env, AUTHQL_URL: server.url, AUTHQL_USERNAME: 'alice', AUTHQL_PASSWORD: alice.password },
  });
  const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown> & { event: string });
  const find = (event: string) => events.find((e) => e.event === event);

  expect(find('signedIn')).toEqual({ event: 'signedIn', username: 'alice' });
  expect(find('burst')).toEqual({ event: 'burst', totalCounts: [2, 2, 2], refreshes: 1, retries: 3 });
  expect(events.filter((e) => e.event === 'refreshed')).toHaveLength(1);
  expect(find('signedOut')).toEqual({ event: 'signedOut', reason: 'TOKEN_INVALID' });
  expect(find('queryFailed')).toEqual({ event: 'queryFailed', code: 'UNAUTHENTICATED', signedIn: false });
  expect(find('done')).toEqual({ event: 'done', refreshes: 1, retries: 3 });

  // The server agrees: the example's session (alice's latest) rotated exactly once (two refresh tokens), now revoked.
  const em = server.app.orm.em.fork();
  const [session] = await em.find(Session, { user: Number(alice.user.id) }, { orderBy: { createdAt: 'desc' }, limit: 1 });
  expect(await em.count(RefreshToken, { session })).toBe(2);
  expect(session.revokedAt).toBeInstanceOf(Date);
}, 120_000);
