// Cookie mode for browser apps, end to end: Set-Cookie attributes, the
// viewer and refresh from cookies, logout clearing them, hidden token
// fields, and CORS with an allow-list.
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { REGISTER } from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';

const ALLOWED = 'https://app.example';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ JWT_COOKIE: 'true', CORS_ORIGINS: `${ALLOWED}, https://admin.example`, ACCOUNT_EMAIL_VERIFICATION: 'none' });
});
afterAll(() => server.stop());

/** A minimal cookie jar, as a browser would keep for this origin. */
class Jar {
  cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair.split('=');
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function post(query: string, variables: Record<string, unknown>, jar: Jar, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: jar.header(), origin: ALLOWED, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  jar.take(res);
  return { res, body: (await res.json()) as any };
}

test('sign-in sets httpOnly cookies; the cookie alone signs later requests in', async () => {
  const jar = new Jar();
  const { res, body } = await post(REGISTER, { input: { username: 'browser', email: 'browser@example.test', password: GOOD_PASSWORD } }, jar);
  expect(body.errors).toBeUndefined();
  const [access, refresh] = res.headers.getSetCookie();
  expect(access).toMatch(/^authql_token=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=300; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
  expect(refresh).toMatch(/^authql_refresh=[\w-]+\.[\w-]+; Max-Age=604(79|80)\d; Path=\/graphql; HttpOnly; SameSite=Lax; Secure$/);
  expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  const me = await post('{ me { username } }', {}, jar);
  expect(me.body.data.me).toEqual({ username: 'browser' });
});

test('refreshToken and logout take the refresh token from the cookie', async () => {
  const jar = new Jar();
  await post(REGISTER, { input: { username: 'browser2', email: 'browser2@example.test', password: GOOD_PASSWORD } }, jar);
  const before = jar.cookies.get('authql_refresh');
  const refreshed = await post('mutation { refreshToken { payload { username } } }', {}, jar);
  expect(refreshed.body.data.refreshToken.payload.username).toBe('browser2');
  expect(jar.cookies.get('authql_refresh')).not.toBe(before);
  const current = jar.cookies.get('authql_refresh')!;
  const out = await post('mutation { logout }', {}, jar);
  expect(out.body.data.logout).toBe(true);
  expect(jar.cookies.size).toBe(0); // both cookies cleared
  const stale = new Jar();
  stale.cookies.set('authql_refresh', current);
  expect((await post('mutation { refreshToken { token } }', {}, stale)).body.errors[0].extensions.code).toBe('TOKEN_INVALID');
});

test('JWT_HIDE_TOKEN_FIELDS returns the token fields as null', async () => {
  const hidden = await startTestServer({ JWT_COOKIE: 'true', JWT_HIDE_TOKEN_FIELDS: 'true', ACCOUNT_EMAIL_VERIFICATION: 'none' });
  try {
    const res = await fetch(hidden.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REGISTER, variables: { input: { username: 'hidden', email: 'hidden@example.test', password: GOOD_PASSWORD } } }),
    });
    const body = (await res.json()) as any;
    expect(body.data.register).toMatchObject({ token: null, refreshToken: null, payload: { username: 'hidden' } });
    expect(res.headers.getSetCookie()).toHaveLength(2);
  } finally {
    await hidden.stop();
  }
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  test('a preflight from an allowed origin is answered with credentials allowed', async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  test('a preflight from another origin is refused without CORS headers', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('in cookie mode a request from another origin is refused outright', async () => {
    const { res } = await post('{ me { id } }', {}, new Jar(), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  test("Apollo's CSRF prevention still refuses a simple cross-site form post", async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ALLOWED },
      body: '{"query":"mutation { logout }"}',
    });
    expect(res.status).toBe(400);
  });
});
