// The Django REST surface's defences: off unless asked for; in cookie mode
// no form bodies (a cross-site <form> needs no preflight) and no cookie ever
// authenticates it; the same throttles as GraphQL, answered as DRF's
// Throttled (429 + Retry-After); body caps; one Authorization header; links
// from the configured public URL, never from the Host header; metrics
// labelled by route, not by path.
import { request } from 'node:http';
import { type CompatServer, DJANGO_USERS, obtainToken, restClient, startCompatServer } from '../helpers/django-compat';
import { AUTH_SHAPES, DRF_SHAPES, expectShape, JWT_SHAPES, withCode } from '../helpers/drf-shapes';
import { SecretLog } from '../helpers/secrets';
import { startTestServer } from '../helpers/server';

const { alice, bob } = DJANGO_USERS;
const secrets = new SecretLog();
const logs: string[] = [];
for (const u of Object.values(DJANGO_USERS)) secrets.add(u.password);

/** A request with headers fetch would not send (two Authorization headers, a made-up Host). */
function rawRequest(url: string, method: string, headers: string[], body = ''): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    // Headers given as a list get no Host of their own.
    const host = headers.some((h, i) => i % 2 === 0 && h === 'host') ? [] : ['host', new URL(url).host];
    const req = request(url, { method, headers: [...headers, ...host, 'content-length', String(Buffer.byteLength(body))] }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('off by default', () => {
  test('without DJANGO_COMPAT the paths do not exist', async () => {
    const server = await startTestServer();
    try {
      const res = await restClient(server.app.origin)('POST', '/api-jwt-auth/', { body: { json: { username: 'a', password: 'b' } } });
      expect(res.status).toBe(404);
      expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
    } finally {
      await server.stop();
    }
  });
});

describe('cookie mode', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer({ JWT_COOKIE: 'true', CORS_ORIGINS: 'https://app.example' });
  });
  afterAll(async () => {
    logs.push(...c.server.logs);
    await c.stop();
  });

  test('form and multipart bodies are refused (415); JSON is served, and sets no cookie', async () => {
    const fields = { username: 'alice', password: alice.password };
    for (const body of [{ form: fields }, { multipart: fields }]) {
      for (const path of ['/api-jwt-auth/', '/rest-auth/login/', '/rest-auth/password/reset/']) {
        expectShape(await c.rest('POST', path, { client: 'http', body }), withCode(DRF_SHAPES.unsupportedMedia, 'BAD_REQUEST'));
      }
    }
    const json = await c.rest('POST', '/rest-auth/login/', { body: { json: fields } });
    expect(json.status).toBe(200);
    expect(json.headers.get('set-cookie')).toBeNull();
  });

  test('the access cookie never authenticates these endpoints', async () => {
    const token = await obtainToken(c.rest, 'bob');
    const res = await c.rest('GET', '/rest-auth/user/', { headers: { cookie: `authql_token=${token}` } });
    expectShape(res, withCode(AUTH_SHAPES.notProvided, 'UNAUTHENTICATED', 'MISSING_TOKEN'));
    // Logout with only the cookie ends nothing.
    await c.rest('POST', '/rest-auth/logout/', { headers: { cookie: `authql_token=${token}` } });
    expect((await c.rest('GET', '/rest-auth/user/', { token })).status).toBe(200);
  });

  test('CORS: a listed origin gets its preflight with this route’s methods; any other is refused in DRF’s shape', async () => {
    const preflight = await c.rest('OPTIONS', '/rest-auth/user/', { headers: { origin: 'https://app.example', 'access-control-request-method': 'PATCH' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, PATCH, OPTIONS');
    const refused = await c.rest('POST', '/rest-auth/login/', {
      headers: { origin: 'https://evil.example' },
      body: { json: { username: 'alice', password: alice.password } },
    });
    expect(refused).toMatchObject({ status: 403, body: { detail: 'Origin not allowed.', code: 'FORBIDDEN' } });
  });
});

describe('throttling, bodies and headers', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer({ RATE_LIMIT_LOGIN_ACCOUNT: '2/60', RATE_LIMIT_REFRESH: '3/60', GRAPHQL_MAX_BODY_BYTES: '2048' });
  });
  afterAll(async () => {
    logs.push(...c.server.logs);
    await c.stop();
  });

  test('the account’s sign-in budget is shared by every way in and answered as DRF’s Throttled, with Retry-After', async () => {
    const wrong = { username: 'bob', password: secrets.add('not-bobs-password') };
    expectShape(await c.rest('POST', '/api-jwt-auth/', { body: { json: wrong } }), withCode(JWT_SHAPES.badCredentials, 'INVALID_CREDENTIALS'));
    expect(
      (await c.server.gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: 'bob', p: wrong.password })).errors?.[0]
        .extensions?.code,
    ).toBe('INVALID_CREDENTIALS');
    for (const path of ['/api-jwt-auth/', '/rest-auth/login/']) {
      // Over the budget even the right password waits.
      const res = await c.rest('POST', path, { client: 'http', body: { form: { username: 'bob', password: bob.password } } });
      expectShape(res, withCode(DRF_SHAPES.throttled, 'RATE_LIMITED'));
      const wait = Number(res.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
      expect(res.body.detail).toBe(`Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`);
    }
  });

  test('refresh counts under RATE_LIMIT_REFRESH, as refreshToken does', async () => {
    const token = await obtainToken(c.rest, 'alice');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.rest('POST', '/api-token-refresh/', { body: { json: { token } } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('malformed, oversized and unsupported bodies; values that are not strings', async () => {
    const post = (body: { raw: string; type: string } | { json: unknown }) => c.rest('POST', '/api-jwt-auth/', { body });
    expect(await post({ raw: '{"username": ', type: 'application/json' })).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/^JSON parse error - /), code: 'BAD_REQUEST' },
    });
    expectShape(await post({ raw: 'username=alice', type: 'text/plain' }), {
      ...withCode(DRF_SHAPES.unsupportedMedia, 'BAD_REQUEST'),
      body: { detail: 'Unsupported media type "text/plain" in request.', code: 'BAD_REQUEST' },
    });
    expect(await post({ raw: 'x'.repeat(3000), type: 'application/json' })).toMatchObject({
      status: 413,
      body: { detail: 'The request body is too large.', code: 'BAD_REQUEST' },
    });
    expect(await post({ json: ['alice'] })).toMatchObject({ status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } });
    expect(await post({ json: { username: true, password: null } })).toMatchObject({
      status: 400,
      body: { username: ['Not a valid string.'], password: ['This field may not be null.'], code: 'BAD_USER_INPUT' },
    });
    expect(
      await c.rest('POST', '/api-jwt-auth/', { body: { multipart: {} }, headers: { 'content-type': 'multipart/form-data; boundary=nope' } }),
    ).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST' },
    });
  });

  test('two Authorization headers are refused, as on /graphql', async () => {
    const token = await obtainToken(c.rest, 'alice');
    const res = await rawRequest(`${c.server.app.origin}/users/`, 'GET', ['authorization', `JWT ${token}`, 'authorization', 'JWT other']);
    expect(res).toEqual({ status: 400, body: { detail: 'Send one Authorization header.', code: 'BAD_REQUEST' } });
  });

  test('metrics count the route, not the path (one series for every /users/<pk>/)', async () => {
    const token = await obtainToken(c.rest, 'alice');
    await c.rest('GET', '/users/1/', { token });
    await c.rest('GET', '/users/2', { token });
    const metrics = await (await fetch(`${c.server.app.origin}/metrics`)).text();
    expect(metrics).toMatch(/authql_http_requests_total\{operation="django:users-detail",status="200"\} 2/);
    expect(metrics).toMatch(/operation="django:jwt-obtain"/);
    expect(metrics).not.toMatch(/operation="\/users\//);
  });
});

describe('a prefix and a public URL', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer({ DJANGO_COMPAT_PREFIX: '/api/v1', DJANGO_COMPAT_PUBLIC_URL: 'https://auth.example.com' });
  });
  afterAll(async () => {
    logs.push(...c.server.logs);
    await c.stop();
  });

  test('every path moves under the prefix, and links use the public URL whatever Host says', async () => {
    const token = await obtainToken(c.rest, 'alice');
    const unprefixed = await restClient(c.server.app.origin)('POST', '/api-jwt-auth/', { body: { json: { username: 'alice', password: alice.password } } });
    expect(unprefixed.status).toBe(404);
    const page = await rawRequest(`${c.server.app.origin}/api/v1/users/`, 'GET', ['authorization', `JWT ${token}`, 'host', 'evil.example']);
    expect(page.body.next).toBe('https://auth.example.com/api/v1/users/?page=2');
    expect(page.body.results[0].url).toMatch(/^https:\/\/auth\.example\.com\/api\/v1\/users\/\d+\/$/);
  });
});

test('no password or token reached the logs', () => {
  expect(logs.length).toBeGreaterThan(10);
  expect(secrets.leakedIn(logs.join('\n'))).toEqual([]);
});
