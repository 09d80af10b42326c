// Asymmetric signing: RS256, ES256 and EdDSA, the JWK Set, key rotation, and
// the algorithm-confusion attacks.
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../src/config';
import { freshDatabase } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, USERS, VERIFY } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, TEST_SECRET, type TestServer } from '../helpers/server';
import { decodePayload, signJws } from '../helpers/tokens';

type Alg = 'RS256' | 'ES256' | 'EdDSA';
const secrets = new SecretLog();
const servers: TestServer[] = [];

function pair(alg: Alg) {
  const kp =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const privateKey = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  secrets.add(privateKey.split('\n')[1]);
  return { privateKey, publicKey: kp.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
// Asymmetric keys need JWT_ISSUER (other services find the keys through it).
async function start(env: Record<string, string>) {
  const s = await startTestServer({ JWT_ISSUER: 'https://auth.example', ...env });
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());

describe.each<Alg>(['RS256', 'ES256', 'EdDSA'])('%s', (alg) => {
  let server: TestServer;
  let keys: ReturnType<typeof pair>;
  let u: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    keys = pair(alg);
    server = await start({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY: keys.privateKey, JWT_PUBLIC_KEY: keys.publicKey });
    u = await registerUser(server);
    [u.token, u.refreshToken, u.password].forEach((x) => secrets.add(x));
  });

  test('tokens carry alg and kid, verify, and the JWK Set publishes the key', async () => {
    expect(header(u.token)).toEqual({ alg, typ: 'at+jwt', kid: expect.any(String) });
    expect((await server.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
    const res = await fetch(`${server.app.origin}/.well-known/jwks.json`);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: header(u.token).kid, alg, use: 'sig' });
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/); // never the private part
    const jwk = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
    expect(createPublicKey(keys.publicKey).export({ format: 'jwk' })).toEqual(jwk.export({ format: 'jwk' }));
  });

  test('HS256 signed with the public key (algorithm confusion) is refused', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: header(u.token).kid })}.${b64(decodePayload(u.token))}`;
    const forged = `${input}.${createHmac('sha256', keys.publicKey).update(input).digest('base64url')}`;
    expect(errorCode(await server.gql(VERIFY, { token: forged }))).toBe('TOKEN_INVALID');
    const withSecret = jwt.sign(decodePayload(u.token), TEST_SECRET, { algorithm: 'HS256', keyid: header(u.token).kid });
    expect(errorCode(await server.gql(VERIFY, { token: withSecret }))).toBe('TOKEN_INVALID');
  });

  test('a token signed before tokens were typed (header typ JWT) still verifies; another typ is refused', async () => {
    const old = signJws({ ...header(u.token), typ: 'JWT' }, decodePayload(u.token), keys.privateKey);
    expect((await server.gql(VERIFY, { token: old })).errors).toBeUndefined();
    expect((await server.gql(VERIFY, { token: signJws(header(u.token), decodePayload(u.token), keys.privateKey) })).errors).toBeUndefined();
    for (const typ of ['id_token+jwt', undefined]) {
      expect(errorCode(await server.gql(VERIFY, { token: signJws({ ...header(u.token), typ }, decodePayload(u.token), keys.privateKey) }))).toBe(
        'TOKEN_INVALID',
      );
    }
  });

  test('an unknown or missing kid, or another key pair, is refused', async () => {
    const [h, p, s] = u.token.split('.');
    const rekid = (kid?: string) => `${Buffer.from(JSON.stringify({ ...header(u.token), kid })).toString('base64url')}.${p}.${s}`;
    for (const t of [rekid('not-ours'), rekid(undefined), `${h}.${p}.${s.slice(0, -4)}AAAA`]) {
      expect(errorCode(await server.gql(VERIFY, { token: t }))).toBe('TOKEN_INVALID');
    }
  });
});

test('key rotation: tokens signed before it verify while the old public key is listed', async () => {
  const shared = await freshDatabase({ shared: true });
  const db = shared.url;
  const k1 = pair('RS256');
  const k2 = pair('RS256');
  const before = await start({ DATABASE_URL: db, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: k1.privateKey, JWT_PUBLIC_KEY: k1.publicKey });
  const u = await registerUser(before);
  await before.stop();
  const after = await start({
    DATABASE_URL: db,
    JWT_ALGORITHM: 'RS256',
    JWT_PRIVATE_KEY: k2.privateKey,
    JWT_PUBLIC_KEY: k2.publicKey,
    JWT_PREVIOUS_PUBLIC_KEYS: k1.publicKey,
  });
  expect((await after.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
  const fresh = (await after.gql(LOGIN, { username: u.user.username, password: u.password })).data.login.token;
  expect(header(fresh).kid).not.toBe(header(u.token).kid);
  const jwks = (await (await fetch(`${after.app.origin}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  expect(jwks.keys.map((k) => k.kid)).toEqual([header(fresh).kid, header(u.token).kid]);
  await after.stop();
  const dropped = await start({ DATABASE_URL: db, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: k2.privateKey, JWT_PUBLIC_KEY: k2.publicKey });
  expect(errorCode(await dropped.gql(VERIFY, { token: u.token }))).toBe('TOKEN_INVALID');
  expect((await dropped.gql(VERIFY, { token: fresh })).errors).toBeUndefined();
  await dropped.stop();
  await shared.drop();
});

test('HS256 has no JWK Set', async () => {
  const s = await start({});
  expect((await fetch(`${s.app.origin}/.well-known/jwks.json`)).status).toBe(404);
});

test('key configuration problems are reported at start-up', () => {
  const rsa = pair('RS256');
  const ec = pair('ES256');
  const base = { JWT_SECRET_KEY: TEST_SECRET, JWT_ISSUER: 'https://auth.example' };
  expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'RS256' })).toThrow(/needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY/);
  expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: rsa.privateKey, JWT_PUBLIC_KEY: pair('RS256').publicKey })).toThrow(
    /not the public half/,
  );
  expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: rsa.privateKey, JWT_PUBLIC_KEY: rsa.publicKey })).toThrow(/needs ec prime256v1/);
  expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: ec.privateKey, JWT_PUBLIC_KEY: ec.publicKey })).toThrow(/needs ed25519/);
  expect(() => loadConfig({ ...base, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: '/no/such/file.pem', JWT_PUBLIC_KEY: rsa.publicKey })).toThrow(
    /neither PEM text nor a readable file/,
  );
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(servers.map((s) => s.logs.join('')).join(''))).toEqual([]);
});
