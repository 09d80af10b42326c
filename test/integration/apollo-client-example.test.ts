// examples/apollo-client, as a developer would use it, with its own packages
// (examples/apollo-client/node_modules, from its own package-lock.json):
// codegen from the committed schema.graphql, a strict type-check (and build),
// then a run against a live server whose access tokens last two seconds, so
// the refresh path really happens: three requests fail together with
// TOKEN_EXPIRED and share one refreshToken call; a revoked session signs the
// client out. Wrong credentials, a server that is not there and long-lived
// tokens each end in one readable line, without a stack or a long wait.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RefreshToken, Session } from '../../src/entities';
import { freePort, installExamplePackages } from '../helpers/examples';
import { registerUser } from '../helpers/fixtures';
import { enrollTotp } from '../helpers/second-factor';
import { startTestServer, type TestServer } from '../helpers/server';

const run = promisify(execFile);
const EXAMPLE = join(__dirname, '../../examples/apollo-client');
const bin = (pkg: string) => join(EXAMPLE, 'node_modules', pkg);

let server: TestServer;

beforeAll(async () => {
  // The example's packages are its own, not the server's.
  installExamplePackages(EXAMPLE, ['@graphql-codegen/cli', '@apollo/client']);
  // Two seconds, not one: a token refreshed late in a second would otherwise
  // expire again before the retries reach the server, and the test would flake.
  server = await startTestServer({ JWT_EXPIRATION_DELTA: '2' });
}, 300_000);

afterAll(() => server?.stop());

const example = (env: Record<string, string>, args: string[] = []) =>
  run(process.execPath, [join(EXAMPLE, 'dist/main.js'), ...args], { env: { ...process.env, AUTHQL_URL: server.url, ...env } });

test('codegen, type-check, and a run that refreshes once for concurrent failures', async () => {
  await run(process.execPath, [bin('@graphql-codegen/cli/esm/bin.js'), '--config', 'codegen.ts'], { cwd: EXAMPLE });
  expect(readFileSync(join(EXAMPLE, 'src/gql/graphql.ts'), 'utf8')).toContain('export type UsersQuery');
  await run(process.execPath, [bin('typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')]);

  const alice = await registerUser(server, { username: 'alice' });
  await registerUser(server, { username: 'bob' });
  const { stdout } = await example({ AUTHQL_USERNAME: 'alice', AUTHQL_PASSWORD: alice.password }, ['--json']);
  const events = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { event: string });
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

  // Without --json: sentences for a person.
  const human = await example({ AUTHQL_USERNAME: 'alice', AUTHQL_PASSWORD: alice.password });
  expect(human.stdout).toContain('three queries at once after expiry: 1 refresh, 3 retries, totalCount 2, 2, 2');
}, 120_000);

test('failures are one line and a non-zero exit; long-lived tokens skip the waits instead of taking minutes', async () => {
  const carol = await registerUser(server, { username: 'carol' });
  const failure = (env: Record<string, string>) =>
    example(env).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );

  expect(await failure({ AUTHQL_USERNAME: 'carol', AUTHQL_PASSWORD: 'not-her-password' })).toMatchObject({
    code: 1,
    stderr: 'authql refused: Unable to sign in with the provided credentials. (INVALID_CREDENTIALS)\n',
  });
  const closed = await freePort();
  expect(await failure({ AUTHQL_URL: `http://127.0.0.1:${closed}/graphql`, AUTHQL_USERNAME: 'carol', AUTHQL_PASSWORD: 'x' })).toMatchObject({
    code: 1,
    stderr: `cannot reach authql at http://127.0.0.1:${closed}/graphql (ECONNREFUSED): start it (npm start at the repository root) or set AUTHQL_URL.\n`,
  });
  expect(await failure({ AUTHQL_USERNAME: '' })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Set AUTHQL_USERNAME and AUTHQL_PASSWORD/) });

  const started = Date.now();
  const { stdout } = await example({ AUTHQL_USERNAME: 'carol', AUTHQL_PASSWORD: carol.password, AUTHQL_MAX_WAIT: '1' });
  expect(stdout).toMatch(/longer than AUTHQL_MAX_WAIT=1: skipped the refresh steps\. Start authql with JWT_EXPIRATION_DELTA=5/);
  expect(Date.now() - started).toBeLessThan(4000); // a run that waited would take two token lifetimes and more
}, 60_000);

test('an account with TOTP: the code from AUTHQL_TOTP_CODE, or a recovery code typed on stdin', async () => {
  // Tokens of the default lifetime: enrolling takes a few requests with the registration's token.
  const plain = await startTestServer();
  try {
    const dave = await registerUser(plain, { username: 'dave' });
    const { app, recoveryCodes } = await enrollTotp(plain, dave);
    const env = { ...process.env, AUTHQL_URL: plain.url, AUTHQL_USERNAME: 'dave', AUTHQL_PASSWORD: dave.password, AUTHQL_MAX_WAIT: '1' };
    const lines = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    const byEnv = await run(process.execPath, [join(EXAMPLE, 'dist/main.js'), '--json'], { env: { ...env, AUTHQL_TOTP_CODE: app.next() } });
    expect(lines(byEnv.stdout).slice(0, 2)).toEqual([
      { event: 'secondFactor', methods: ['TOTP', 'RECOVERY_CODE'], from: 'env' },
      { event: 'signedIn', username: 'dave' },
    ]);

    const byStdin = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(EXAMPLE, 'dist/main.js'), '--json'], { env });
      let stdout = '';
      child.stdout.on('data', (d) => {
        stdout += String(d);
      });
      child.on('close', (code) => resolve({ code, stdout }));
      child.stdin.end(`${recoveryCodes[0]}\n`);
    });
    expect(byStdin.code).toBe(0);
    expect(lines(byStdin.stdout).slice(0, 2)).toEqual([
      { event: 'secondFactor', methods: ['TOTP', 'RECOVERY_CODE'], from: 'stdin' },
      { event: 'signedIn', username: 'dave' },
    ]);

    const wrong = await run(process.execPath, [join(EXAMPLE, 'dist/main.js')], { env: { ...env, AUTHQL_TOTP_CODE: '000000' } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(wrong).toMatchObject({ code: 1, stderr: 'authql refused: The code is not correct. (SECOND_FACTOR_INVALID)\n' });
  } finally {
    await plain.stop();
  }
}, 60_000);
