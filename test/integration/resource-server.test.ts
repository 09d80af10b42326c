// examples/resource-server, with its own packages (jose), as a process of its
// own against a live authql (RS256, then EdDSA with an audience) whose
// JWT_ISSUER is its own URL: a signed-in user gets 200 with their sub; an
// expired, foreign, mistyped or confused token gets 401 with a challenge;
// authql down is 503, not 401; and a key rotation on authql (restarted on the
// same address) is picked up by the running resource server after its JWK Set
// cooldown, while tokens of the old key keep verifying. jose is ESM-only and
// jest cannot load it, so only the example's process ever runs it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase } from '../helpers/database';
import { freePort, installExamplePackages } from '../helpers/examples';
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { startTestServer, type TestServer } from '../helpers/server';
import { decodePayload, signJws } from '../helpers/tokens';

type Alg = 'RS256' | 'EdDSA';
const EXAMPLE = join(__dirname, '../../examples/resource-server');
const bin = (pkg: string) => join(EXAMPLE, 'node_modules', pkg);
const COOLDOWN_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secrets = new SecretLog();

beforeAll(async () => {
  installExamplePackages(EXAMPLE, ['jose', 'typescript']);
  await promisify(execFile)(process.execPath, [bin('typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')]);
}, 300_000);

function keyPair(alg: Alg) {
  const kp = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const privateKey = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  secrets.add(privateKey.split('\n')[1]);
  return { privateKey, publicKey: kp.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

interface ResourceServer {
  url: string;
  lines: string[];
  stop(): Promise<void>;
}

async function startResourceServer(env: Record<string, string>): Promise<ResourceServer> {
  const child: ChildProcess = spawn(process.execPath, [join(EXAMPLE, 'dist/server.js')], {
    env: { PATH: process.env.PATH, PORT: '0', JWKS_COOLDOWN_MS: String(COOLDOWN_MS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (c: string) => lines.push(c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      lines.push(c);
      const m = /listening on (http:\/\/\S+),/.exec(c);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`the resource server exited:\n${lines.join('')}`)));
  });
  return { url, lines, stop: () => (child.exitCode === null && child.kill('SIGTERM'), exited) };
}

/** Its stderr line for a refusal names jose's code; the pipe may deliver it just after the HTTP answer. */
async function loggedSince(rs: ResourceServer, from: number, code: string): Promise<string> {
  for (let i = 0; i < 50 && !rs.lines.slice(from).join('').includes(code); i++) await sleep(20);
  return rs.lines.slice(from).join('');
}

async function call(rs: ResourceServer, authorization?: string, path = '/me') {
  const res = await fetch(`${rs.url}${path}`, { headers: authorization ? { authorization } : {} });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    challenge: res.headers.get('www-authenticate'),
    userId: res.headers.get('x-user-id'),
  };
}

const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
const EXPIRED_CHALLENGE = 'Bearer realm="resource-server", error="invalid_token", error_description="The access token expired"';
const INVALID_CHALLENGE = 'Bearer realm="resource-server", error="invalid_token", error_description="The access token is not valid here"';

describe.each<[Alg, Record<string, string>]>([
  ['RS256', {}],
  ['EdDSA', { JWT_AUDIENCE: 'my-api' }],
])('%s %j', (alg, extra) => {
  const audience = extra.JWT_AUDIENCE;
  let port: number;
  let issuer: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let authql: TestServer | undefined;
  const authqlLogs: string[][] = [];
  let rs: ResourceServer;
  /** A second resource server with jose's default-length cooldown, to show what it does during a rotation. */
  let slow: ResourceServer;
  const k1 = keyPair(alg);
  const k2 = keyPair(alg);
  let user: { id: string; username: string; password: string };
  let t1: string;

  const startAuthql = async (keys: Record<string, string>) => {
    authql = await startTestServer({ PORT: String(port), JWT_ISSUER: issuer, JWT_ALGORITHM: alg, DATABASE_URL: db.url, ...extra, ...keys });
    authqlLogs.push(authql.logs);
  };
  const signIn = async () => {
    const res = await authql!.gql(LOGIN, { username: user.username, password: user.password });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return secrets.add(res.data.login.token as string);
  };

  beforeAll(async () => {
    // The issuer contains the port, so authql must know it before it starts (and keeps it across the restart).
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    db = await freshDatabase({ shared: true });
    await startAuthql({ JWT_PRIVATE_KEY: k1.privateKey, JWT_PUBLIC_KEY: k1.publicKey });
    const u = await registerUser(authql!);
    user = { ...u.user, password: secrets.add(u.password) };
    const env = { AUTHQL_ISSUER: issuer, ...(audience ? { AUTHQL_AUDIENCE: audience } : {}) };
    rs = await startResourceServer(env);
    slow = await startResourceServer({ ...env, JWKS_COOLDOWN_MS: '60000' });
  });
  afterAll(async () => {
    await Promise.all([rs?.stop(), slow?.stop()]);
    await authql?.stop();
    await db?.drop();
  });

  test('a signed-in user gets 200 with their sub and username, sent as Bearer or JWT', async () => {
    t1 = await signIn();
    expect(decodePayload(t1)).toMatchObject({ iss: issuer, ...(audience ? { aud: audience } : {}) });
    for (const scheme of ['Bearer', 'JWT', 'bearer']) {
      expect(await call(rs, `${scheme} ${t1}`)).toMatchObject({ status: 200, body: { sub: user.id, username: user.username } });
    }
    expect(await call(rs, `Bearer ${t1}`, '/verify')).toMatchObject({ status: 204, userId: user.id });
    expect((await call(slow, `Bearer ${t1}`)).status).toBe(200);
  });

  test('no token: 401 with a bare challenge; an expired, foreign, mistyped or confused token: 401 invalid_token', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('a:b').toString('base64')}`, t1]) {
      expect(await call(rs, authorization)).toMatchObject({ status: 401, challenge: 'Bearer realm="resource-server"' });
    }
    const claims = decodePayload(t1);
    const now = Math.floor(Date.now() / 1000);
    const ours = (change: Record<string, unknown>, head: Record<string, unknown> = {}) =>
      signJws({ ...header(t1), ...head }, { ...claims, ...change }, k1.privateKey);

    expect(await call(rs, `Bearer ${ours({ iat: now - 600, exp: now - 300 })}`)).toMatchObject({
      status: 401,
      body: { error: 'invalid_token' },
      challenge: EXPIRED_CHALLENGE,
    });
    const stranger = keyPair(alg);
    const refused: Array<[string, string]> = [
      ['ERR_JWKS_NO_MATCHING_KEY', signJws({ ...header(t1), kid: 'not-authqls' }, claims, stranger.privateKey)],
      ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', signJws(header(t1), claims, stranger.privateKey)],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({ iss: 'https://evil.example' })],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({ iss: undefined })],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({ sub: undefined })],
      // Header typ JWT, as authql signed before RFC 9068 typing: not an access token to a strict resource server.
      ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({}, { typ: 'JWT' })],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({}, { typ: 'id_token+jwt' })],
      ['ERR_JOSE_ALG_NOT_ALLOWED', hs256WithPublicKey(header(t1), claims, k1.publicKey)],
      ...(audience
        ? ([
            ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({ aud: 'another-api' })],
            ['ERR_JWT_CLAIM_VALIDATION_FAILED', ours({ aud: undefined })],
          ] as Array<[string, string]>)
        : []),
    ];
    for (const [code, token] of refused) {
      const before = rs.lines.length;
      expect(await call(rs, `Bearer ${token}`)).toMatchObject({ status: 401, body: { error: 'invalid_token' }, challenge: INVALID_CHALLENGE });
      expect(await loggedSince(rs, before, code)).toContain(code);
    }
    expect((await call(rs, `Bearer ${t1}`)).status).toBe(200);
  });

  test('authql down: cached keys still verify; a token naming an unknown key is 503 (cannot tell), not 401', async () => {
    await authql!.stop();
    authql = undefined;
    expect((await call(rs, `Bearer ${t1}`)).status).toBe(200);
    await sleep(COOLDOWN_MS + 200); // so the unknown kid is allowed a refetch, which fails
    const unknown = signJws({ ...header(t1), kid: 'rotated-maybe' }, decodePayload(t1), keyPair(alg).privateKey);
    const res = await call(rs, `Bearer ${unknown}`);
    expect(res).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
  });

  test('a key rotation on authql reaches the running resource server after its cooldown; old-key tokens verify while published', async () => {
    await startAuthql({ JWT_PRIVATE_KEY: k2.privateKey, JWT_PUBLIC_KEY: k2.publicKey, JWT_PREVIOUS_PUBLIC_KEYS: k1.publicKey });
    const t2 = await signIn();
    expect(header(t2).kid).not.toBe(header(t1).kid);
    await sleep(COOLDOWN_MS + 200);
    expect(await call(rs, `Bearer ${t2}`)).toMatchObject({ status: 200, body: { sub: user.id } });
    expect(await call(rs, `JWT ${t1}`)).toMatchObject({ status: 200, body: { sub: user.id } });
    // With a 60 s cooldown since its last fetch, the new key is not fetched yet: the gap the README describes.
    const before = slow.lines.length;
    expect((await call(slow, `Bearer ${t2}`)).status).toBe(401);
    expect(await loggedSince(slow, before, 'ERR_JWKS_NO_MATCHING_KEY')).toContain('ERR_JWKS_NO_MATCHING_KEY');
    expect((await call(slow, `Bearer ${t1}`)).status).toBe(200);
  });

  test('the resource servers and authql logged none of the tokens, passwords or keys', () => {
    expect(secrets.leakedIn([...rs.lines, ...slow.lines, ...authqlLogs.flat()].join(''))).toEqual([]);
  });
});

/** The algorithm-confusion forgery: HS256 keyed with the public key's PEM text. */
function hs256WithPublicKey(head: Record<string, unknown>, claims: Record<string, unknown>, publicKey: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ ...head, alg: 'HS256' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', publicKey).update(input).digest('base64url')}`;
}
