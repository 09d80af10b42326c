// Operations: health and readiness, Prometheus metrics and their token,
// structured request logs with redaction.
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH, USERS } from '../helpers/operations';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN: 'metrics-token-for-tests', RATE_LIMIT_LOGIN_ACCOUNT: '2/60' });
});
afterAll(() => server.stop());

const metricsText = async () => {
  const res = await fetch(`${server.app.origin}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};
const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

test('/healthz and /readyz answer 200 while the database is reachable', async () => {
  expect((await fetch(`${server.app.origin}/healthz`)).status).toBe(200);
  const ready = await fetch(`${server.app.origin}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
});

test('/metrics needs METRICS_TOKEN when one is set', async () => {
  const refused = await fetch(`${server.app.origin}/metrics`);
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect((await fetch(`${server.app.origin}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
});

test('metrics count what happened: requests, sign-ins, refreshes, reuse, throttling', async () => {
  const u = await registerUser(server);
  await server.gql(LOGIN, { username: u.user.username, password: u.password });
  await server.gql(LOGIN, { username: u.user.username, password: 'wrong-password-1' });
  await server.gql(LOGIN, { username: u.user.username, password: 'wrong-password-2' });
  await server.gql(LOGIN, { username: u.user.username, password: 'wrong-password-3' }); // throttled (2/60)
  const r = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  await server.gql(USERS, {}, { token: r.data.refreshToken.token });
  const text = await metricsText();
  expect(sample(text, 'authql_sign_ins_total', 'method="password",outcome="success"')).toBe(1);
  expect(sample(text, 'authql_sign_ins_total', 'method="password",outcome="failure"')).toBe(2);
  expect(sample(text, 'authql_rate_limited_total', 'rule="loginAccount"')).toBe(1);
  expect(sample(text, 'authql_token_refreshes_total', 'outcome="success"')).toBe(1);
  expect(sample(text, 'authql_http_requests_total', 'operation="query:users",status="200"')).toBe(1);
  expect(sample(text, 'authql_http_request_duration_seconds_count', 'operation="mutation:login"')).toBe(4);
  expect(text).toContain('authql_process_cpu_seconds_total');
});

test('reuse detection is counted', async () => {
  const s = await startTestServer({ JWT_REFRESH_REUSE_INTERVAL: '0', JWT_REFRESH_RETRY_WINDOW: '0' });
  try {
    const u = await registerUser(s);
    await s.gql(REFRESH, { refreshToken: u.refreshToken });
    await new Promise((r) => setTimeout(r, 20));
    await s.gql(REFRESH, { refreshToken: u.refreshToken });
    const text = await (await fetch(`${s.app.origin}/metrics`)).text(); // no METRICS_TOKEN: open
    expect(text).toMatch(/^authql_refresh_reuse_detected_total 1$/m);
  } finally {
    await s.stop();
  }
});

test('every request is logged once with id, operation, viewer and duration; the id is echoed', async () => {
  const u = await registerUser(server);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `JWT ${u.token}`, 'x-request-id': 'trace-abc-123' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  const line = server.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-abc-123');
  expect(line).toMatchObject({ msg: 'request', method: 'POST', path: '/graphql', status: 200, operation: 'query:me', viewerId: Number(u.user.id) });
  expect(line.durationMs).toEqual(expect.any(Number));
  const generated = (await fetch(`${server.app.origin}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } })).headers.get('x-request-id');
  expect(generated).toMatch(/^[0-9a-f-]{36}$/);
});

test('the logger redacts passwords, tokens, cookies, Authorization and secrets by configuration', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  const logger = createLogger(loadConfig({ JWT_SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'info' }), sink);
  logger.info({
    password: 'pw-1',
    input: { password: 'pw-2', newPassword: 'pw-3', oldPassword: 'pw-4' },
    token: 'tok-1',
    refreshToken: 'tok-2',
    accessToken: 'tok-3',
    idToken: 'tok-4',
    secret: 'sec-1',
    app: { secret: 'sec-2', clientSecret: 'sec-3' },
    req: { headers: { authorization: 'JWT tok-5', cookie: 'authql_token=tok-6' } },
    headers: { authorization: 'Bearer tok-7', cookie: 'c=tok-8', 'set-cookie': 'authql_refresh=tok-9' },
    variables: { anything: 'tok-10' },
  });
  const out = lines.join('');
  for (const secret of [
    'pw-1',
    'pw-2',
    'pw-3',
    'pw-4',
    'tok-1',
    'tok-2',
    'tok-3',
    'tok-4',
    'tok-5',
    'tok-6',
    'tok-7',
    'tok-8',
    'tok-9',
    'tok-10',
    'sec-1',
    'sec-2',
    'sec-3',
  ]) {
    expect(out).not.toContain(secret);
  }
  expect(out).toContain('[redacted]');
});

test('/readyz answers 503 when the database is gone, and GraphQL says SERVICE_UNAVAILABLE', async () => {
  const s = await startTestServer();
  try {
    const u = await registerUser(s);
    await s.app.orm.close(true); // the database connection is gone
    const ready = await fetch(`${s.app.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });
    const res = await s.gql(LOGIN, { username: u.user.username, password: u.password });
    expect(res.errors?.[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(res.data).toBeNull();
  } finally {
    await s.stop();
  }
});

test('unknown paths share one metrics label, so random URLs cannot grow the metrics without bound', async () => {
  const healthz = (text: string) => sample(text, 'authql_http_requests_total', 'operation="http:/healthz",status="200"');
  const before = healthz(await metricsText());
  for (let i = 0; i < 3; i++) expect((await fetch(`${server.app.origin}/no-such-${i}`)).status).toBe(404);
  await fetch(`${server.app.origin}/healthz`);
  const text = await metricsText();
  expect(text).not.toMatch(/operation="\/no-such-/);
  expect(sample(text, 'authql_http_requests_total', 'operation="not_found",status="404"')).toBe(3);
  expect(healthz(text)).toBe(before + 1);
});
