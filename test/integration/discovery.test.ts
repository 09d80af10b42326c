// The discovery document other services read to validate authql's access
// tokens: only what is true of authql, built from JWT_ISSUER (never from the
// request), served with asymmetric keys only; JWT_ISSUER required with them.
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { ConfigError, loadConfig } from '../../src/config';
import { registerUser } from '../helpers/fixtures';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/server';
import { decodePayload } from '../helpers/tokens';

type Alg = 'RS256' | 'ES256' | 'EdDSA';
const DISCOVERY = '/.well-known/openid-configuration';
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

function pem(alg: Alg) {
  const kp =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return {
    JWT_PRIVATE_KEY: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    JWT_PUBLIC_KEY: kp.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
async function start(env: Record<string, string>) {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());

/** GET with a Host header of our choosing (fetch would not send one). */
function getWithHost(origin: string, path: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { headers: { host, 'x-forwarded-host': host, 'x-forwarded-proto': 'http' } }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve(body));
    });
    req.on('error', reject).end();
  });
}

describe.each<Alg>(['RS256', 'ES256', 'EdDSA'])('%s', (alg) => {
  const issuer = 'https://auth.example.com';
  let server: TestServer;
  beforeAll(async () => {
    server = await start({ JWT_ALGORITHM: alg, ...pem(alg), JWT_ISSUER: issuer });
  });

  test('the document says who issues, where the keys are, and which algorithm; nothing authql lacks', async () => {
    const res = await fetch(`${server.app.origin}${DISCOVERY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.json()).toEqual({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [alg],
    });
  });

  test('its tokens match it: iss is the issuer, typ at+jwt, and the kid is in the JWK Set at jwks_uri', async () => {
    const u = await registerUser(server);
    expect(decodePayload(u.token).iss).toBe(issuer);
    expect(header(u.token)).toEqual({ alg, typ: 'at+jwt', kid: expect.any(String) });
    const jwks = (await (await fetch(`${server.app.origin}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain(header(u.token).kid);
  });

  test('a spoofed Host or X-Forwarded-Host changes nothing (a cache in front would keep the poisoned copy)', async () => {
    const doc = JSON.parse(await getWithHost(server.app.origin, DISCOVERY, 'evil.example'));
    expect(doc.issuer).toBe(issuer);
    expect(doc.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
  });
});

test('an issuer with a path, or a trailing slash: issuer is JWT_ISSUER verbatim (it must equal iss), jwks_uri joins without doubling the slash', async () => {
  const issuer = 'https://example.com/auth/';
  const s = await start({ JWT_ALGORITHM: 'EdDSA', ...pem('EdDSA'), JWT_ISSUER: issuer });
  const doc = (await (await fetch(`${s.app.origin}${DISCOVERY}`)).json()) as Record<string, unknown>;
  expect(doc).toMatchObject({ issuer, jwks_uri: 'https://example.com/auth/.well-known/jwks.json' });
  expect(decodePayload((await registerUser(s)).token).iss).toBe(issuer);
});

test('HS256 has no discovery document, and says why', async () => {
  const s = await start({ JWT_ISSUER: 'https://auth.example.com' });
  const res = await fetch(`${s.app.origin}${DISCOVERY}`);
  expect(res.status).toBe(404);
  const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
  expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
  expect(body.errors[0].message).toMatch(/JWT_ALGORITHM is symmetric/);
  // Its tokens are typed too, so one resource-server check fits every algorithm.
  expect(header((await registerUser(s)).token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
});

describe('JWT_ISSUER with an asymmetric algorithm', () => {
  const base = { JWT_SECRET_KEY: TEST_SECRET, JWT_ALGORITHM: 'RS256', ...pem('RS256') };
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  test('is required, and reported together with the other problems', () => {
    expect(problems({ PORT: 'x' })).toEqual([
      expect.stringContaining('PORT'),
      'JWT_ISSUER is required with JWT_ALGORITHM=RS256: set it to the public URL of authql, e.g. https://auth.example.com (it becomes iss, and other services read the keys from <JWT_ISSUER>/.well-known/openid-configuration)',
    ]);
    expect(problems({ JWT_ALGORITHM: 'EdDSA', ...pem('EdDSA') })).toEqual([expect.stringContaining('JWT_ISSUER is required with JWT_ALGORITHM=EdDSA')]);
  });

  test.each([
    'authql',
    'auth.example.com',
    'ftp://auth.example.com',
    'https://auth.example.com/?tenant=1',
    'https://auth.example.com/#x',
    'https://user:pw@auth.example.com',
  ])('must be an http(s) URL without query, fragment or credentials: %s is refused', (value) => {
    expect(problems({ JWT_ISSUER: value })).toEqual([
      `JWT_ISSUER must be an http(s) URL without query, fragment or credentials, the public URL of authql (got "${value}")`,
    ]);
  });

  test('must be https in production, except on localhost; http is fine outside production', () => {
    const production = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-0123456789' };
    expect(problems({ ...production, JWT_ISSUER: 'http://auth.example.com' })).toEqual([
      'JWT_ISSUER must be https in production, except localhost, 127.0.0.1 and [::1] (got "http://auth.example.com")',
    ]);
    for (const ok of ['https://auth.example.com', 'http://localhost:4000', 'http://127.0.0.1:4000'])
      expect(problems({ ...production, JWT_ISSUER: ok })).toEqual([]);
    expect(problems({ JWT_ISSUER: 'http://auth.internal:4000' })).toEqual([]);
  });

  test('HS256 keeps JWT_ISSUER optional and free-form, as before', () => {
    expect(problems({ JWT_ALGORITHM: 'HS256' })).toEqual([]);
    expect(problems({ JWT_ALGORITHM: 'HS256', JWT_ISSUER: 'authql' })).toEqual([]);
  });
});
