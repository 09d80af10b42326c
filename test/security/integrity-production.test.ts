// Production defaults that cannot leak: metrics only with a token or on a
// loopback port, an owner-only SQLite database, no access token without a
// session, no credentialed CORS for clear-text origins, and no mailed link
// pointing at localhost. Start-up refusals are checked through loadConfig and
// the real process; everything else over HTTP.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, type Env, loadConfig } from '../../src/config';
import { registerUser } from '../helpers/fixtures';
import { USERS, VERIFY } from '../helpers/operations';
import { ROOT } from '../helpers/process';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, startTestServer, TEST_SECRET, type TestServer, testEnv } from '../helpers/server';
import { decodePayload, signWith } from '../helpers/tokens';

const secrets = new SecretLog();
const servers: TestServer[] = [];
async function start(env: Env) {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));

const METRICS_TOKEN = secrets.add('metrics-token-for-production-tests');
/** Production as tests can start it: a key, and metrics behind a token. */
const PROD: Env = { NODE_ENV: 'production', JWT_SECRET_KEY: TEST_SECRET, METRICS_TOKEN };
const RESET_URL = 'https://app.example/reset-password?token={token}';
const VERIFY_URL = 'https://app.example/verify-email?token={token}';
const MAIL: Env = { SMTP_URL: 'smtp://127.0.0.1:2525', PASSWORD_RESET_URL: RESET_URL, EMAIL_VERIFICATION_URL: VERIFY_URL };

function problems(env: Env): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('/metrics in production', () => {
  test('refused at start-up without METRICS_TOKEN or METRICS_PORT', async () => {
    expect(problems({ ...PROD, METRICS_TOKEN: undefined })).toEqual([expect.stringMatching(/METRICS_TOKEN or METRICS_PORT/)]);
    await expect(startTestServer({ NODE_ENV: 'production' })).rejects.toThrow(/METRICS_TOKEN or METRICS_PORT/);
    expect(problems(PROD)).toEqual([]);
    expect(problems({ ...PROD, METRICS_TOKEN: undefined, METRICS_PORT: '9464' })).toEqual([]);
    expect(problems({ ...PROD, METRICS_PORT: 'nine' })).toEqual([expect.stringContaining('METRICS_PORT')]);
    expect(problems({ ...PROD, PORT: '4000', METRICS_PORT: '4000' })).toEqual([expect.stringContaining('METRICS_PORT must differ from PORT')]);
  });

  test('with METRICS_TOKEN, the main port answers /metrics only to the token', async () => {
    const s = await start(PROD);
    const refused = await fetch(`${s.app.origin}/metrics`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const ok = await fetch(`${s.app.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('authql_http_requests_total');
  });

  test('with METRICS_PORT, metrics are served on 127.0.0.1 at that port only, and the main port has no /metrics', async () => {
    const s = await start({ ...PROD, METRICS_TOKEN: undefined, METRICS_PORT: '0' });
    const main = await fetch(`${s.app.origin}/metrics`);
    expect(main.status).toBe(404);
    expect(((await main.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    const url = new URL(s.app.metricsUrl as string);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe(new URL(s.app.origin).port);
    const metrics = await fetch(url);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('authql_http_requests_total');
    // The loopback listener serves metrics and nothing else.
    expect(
      (await fetch(new URL('/graphql', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status,
    ).toBe(404);
  });
});

describe('the SQLite database is owner-only', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  test('a new database, its WAL and SHM are created 0600 in a 0700 directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'authql-modes-')), 'data', 'db');
    const file = join(dir, 'authql.sqlite');
    const s = await start({ DATABASE_URL: `sqlite:${file}` });
    await registerUser(s); // a write, so the WAL holds something
    expect({ dir: mode(dir), db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`) }).toEqual({ dir: 0o700, db: 0o600, wal: 0o600, shm: 0o600 });
  });

  test('files that already exist with wider modes are made 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authql-modes-'));
    const file = join(dir, 'old.sqlite');
    // An empty file is an empty SQLite database; empty WAL and SHM files are valid too.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(f, '');
      chmodSync(f, 0o644);
    }
    const s = await start({ DATABASE_URL: `sqlite:${file}` });
    await registerUser(s);
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
  });
});

describe('access tokens without a session', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start({});
  });

  test('a correctly signed access token without sid (or an empty one) is refused by the API and by verifyToken', async () => {
    const u = await registerUser(server);
    secrets.add(u.password);
    const claims = decodePayload(u.token);
    expect(claims.sid).toEqual(expect.any(String));
    expect((await server.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
    for (const sid of [undefined, '']) {
      const token = secrets.add(signWith({ ...claims, sid }));
      expect(firstError(await server.gql(USERS, {}, { token }))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
      expect(errorCode(await server.gql(VERIFY, { token }))).toBe('TOKEN_INVALID');
    }
  });
});

describe('credentialed CORS in production', () => {
  test('CORS_ORIGINS refuses http:// origins other than localhost, 127.0.0.1 and [::1]', () => {
    const origins = 'https://app.example,http://app.example,http://localhost:3000,http://127.0.0.1:8080,http://[::1]:5173,http://localhost.evil.example';
    expect(problems({ ...PROD, CORS_ORIGINS: origins })).toEqual([
      expect.stringMatching(/CORS_ORIGINS.*https in production.*"http:\/\/app\.example"/),
      expect.stringMatching(/CORS_ORIGINS.*https in production.*"http:\/\/localhost\.evil\.example"/),
    ]);
    // Development keeps accepting clear-text origins (a dev server on a LAN address).
    expect(problems({ JWT_SECRET_KEY: TEST_SECRET, CORS_ORIGINS: origins })).toEqual([]);
  });

  /** A POST with a Host header of our choosing (fetch cannot set one). */
  function post(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end('{"query":"{ __typename }"}');
    });
  }

  test('the same-origin rule never grants credentials to an http:// origin in production (loopback excepted)', async () => {
    const s = await start({ ...PROD, JWT_COOKIE: 'true' });
    const https = await post(s.url, { host: 'auth.example', origin: 'https://auth.example' });
    expect(https.headers['access-control-allow-credentials']).toBe('true');
    // Someone on the network can serve a page on http://auth.example: it must not ride the cookies.
    const clear = await post(s.url, { host: 'auth.example', origin: 'http://auth.example' });
    expect(clear.headers['access-control-allow-credentials']).toBeUndefined();
    expect(clear.status).toBe(403);
    const host = new URL(s.url).host;
    expect((await post(s.url, { host, origin: `http://${host}` })).headers['access-control-allow-credentials']).toBe('true');
  });

  test('development still treats its own http:// origin as same-origin', async () => {
    const s = await start({ NODE_ENV: 'development', JWT_COOKIE: 'true' });
    expect((await post(s.url, { host: 'auth.example', origin: 'http://auth.example' })).headers['access-control-allow-credentials']).toBe('true');
  });
});

describe('mailed links in production', () => {
  test('with SMTP_URL, PASSWORD_RESET_URL and EMAIL_VERIFICATION_URL are required', () => {
    expect(problems({ ...PROD, SMTP_URL: MAIL.SMTP_URL })).toEqual([
      expect.stringMatching(/PASSWORD_RESET_URL is required in production when SMTP_URL is set/),
      expect.stringMatching(/EMAIL_VERIFICATION_URL is required in production when SMTP_URL is set/),
    ]);
    expect(problems({ ...PROD, ...MAIL })).toEqual([]);
    // Without mail the links are never sent, so the defaults do no harm.
    expect(problems(PROD)).toEqual([]);
  });

  test('they must be https (localhost excepted)', () => {
    const links = (reset: string, verify: string) => problems({ ...PROD, ...MAIL, PASSWORD_RESET_URL: reset, EMAIL_VERIFICATION_URL: verify });
    expect(links('http://app.example/r?token={token}', 'myapp://verify?token={token}')).toEqual([
      expect.stringMatching(/PASSWORD_RESET_URL must be an https URL in production/),
      expect.stringMatching(/EMAIL_VERIFICATION_URL must be an https URL in production/),
    ]);
    expect(links('http://localhost:3000/r?token={token}', 'http://127.0.0.1:3000/v?token={token}')).toEqual([]);
  });
});

test('every production problem is reported at once, and the real process refuses to start with all of them', async () => {
  const env = { NODE_ENV: 'production', JWT_SECRET_KEY: TEST_SECRET, SMTP_URL: 'smtp://127.0.0.1:2525', CORS_ORIGINS: 'http://app.example' };
  const expected = [/CORS_ORIGINS/, /PASSWORD_RESET_URL/, /EMAIL_VERIFICATION_URL/, /METRICS_TOKEN or METRICS_PORT/];
  const found = problems(env);
  expect(found).toHaveLength(expected.length);
  for (const p of expected) expect(found).toContainEqual(expect.stringMatching(p));

  const processEnv = { ...process.env, ...testEnv({ ...env, METRICS_TOKEN: undefined }, 'sqlite::memory:') } as NodeJS.ProcessEnv;
  const run = promisify(execFile)(process.execPath, [join(ROOT, 'dist/src/index.js')], { env: processEnv, timeout: 20000 });
  const failure = await run.then(
    () => null,
    (err: { code: number; stderr: string }) => err,
  );
  expect(failure?.code).toBe(1);
  for (const p of expected) expect(failure?.stderr).toMatch(p);
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
