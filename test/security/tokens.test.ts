// Hostile tokens and headers against an HS256 server: one test per attack.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { registerUser } from '../helpers/fixtures';
import { ME, USERS, VERIFY } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, startTestServer, TEST_SECRET, type TestServer } from '../helpers/server';
import { decodePayload, signWith, unsignedToken } from '../helpers/tokens';

let server: TestServer;
let alice: Awaited<ReturnType<typeof registerUser>>;
const secrets = new SecretLog();
let keyServer: Server;
let keyServerHits = 0;
let keyServerUrl: string;

beforeAll(async () => {
  server = await startTestServer({ JWT_ISSUER: 'https://auth.example', JWT_AUDIENCE: 'app' });
  alice = await registerUser(server);
  secrets.add(alice.password);
  secrets.add(alice.token);
  secrets.add(alice.refreshToken);
  // A loopback server standing in for an attacker's key URL: it must never be asked.
  keyServer = createServer((_req, res) => {
    keyServerHits += 1;
    res.end('{"keys":[]}');
  });
  await new Promise<void>((r) => keyServer.listen(0, '127.0.0.1', r));
  keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await server.stop();
  await new Promise((r) => keyServer.close(r));
});

const claims = () => decodePayload(alice.token);
async function expectRefused(token: string, reason = 'TOKEN_INVALID') {
  expect(firstError(await server.gql(USERS, {}, { token }))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
  expect(errorCode(await server.gql(VERIFY, { token }))).toBe(reason);
}
/** Hand-made HS256 JWS, so tests can sign with keys jsonwebtoken refuses (e.g. empty). */
function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

test.each(['none', 'None', 'NONE', 'nOnE'])('alg %s is refused', async (alg) => {
  await expectRefused(unsignedToken(claims(), alg));
  await expectRefused(unsignedToken(claims(), alg) + 'c2lnbmF0dXJl');
});

test('a token without exp is refused', async () => {
  await expectRefused(signWith({ ...claims(), exp: undefined }));
});

test('a future nbf is refused', async () => {
  await expectRefused(signWith({ ...claims(), nbf: claims().iat + 600 }));
});

test('a future iat is refused', async () => {
  await expectRefused(signWith({ ...claims(), iat: claims().iat + 600 }));
});

test('a wrong iss is refused', async () => {
  await expectRefused(signWith({ ...claims(), iss: 'https://evil.example' }));
});

test('a wrong aud is refused', async () => {
  await expectRefused(signWith({ ...claims(), aud: 'someone-else' }));
});

test('a refresh token presented as an access token is refused', async () => {
  await expectRefused(alice.refreshToken);
  await expectRefused(signWith({ ...claims(), typ: 'refresh' }));
});

test('a password-reset style token (other typ) is refused', async () => {
  await expectRefused(signWith({ ...claims(), typ: 'password_reset' }));
});

test('access tokens are explicitly typed: header typ at+jwt (RFC 9068); JWT, from before the upgrade, still verifies; any other typ is refused', async () => {
  const header = JSON.parse(Buffer.from(alice.token.split('.')[0], 'base64url').toString());
  expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  // What authql signed before it typed its tokens: still valid for the rest of its lifetime.
  expect((await server.gql(VERIFY, { token: signWith(claims()) })).errors).toBeUndefined();
  // Correctly signed with our key, but declared as another kind of JWT (RFC 8725 §3.11).
  for (const typ of ['id_token+jwt', 'application/dpop+jwt', 'secevent+jwt', 'JOSE', '']) {
    await expectRefused(hmacToken({ alg: 'HS256', typ }, claims(), TEST_SECRET));
  }
  await expectRefused(hmacToken({ alg: 'HS256' }, claims(), TEST_SECRET));
});

test.each([
  ['path traversal', '../../../../etc/passwd'],
  ['SQL injection', "x' OR '1'='1"],
  ['null byte', 'a\u0000b'],
])('kid with %s cannot point the server at another key', async (_name, kid) => {
  // The classic attack: kid names an empty or attacker-known "key"; the token is signed with it.
  for (const key of ['', 'attacker-secret']) await expectRefused(hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims(), key));
});

test('jku, x5u and jwk headers never make the server fetch or trust a key', async () => {
  const evil = { kty: 'oct', k: Buffer.from('attacker-secret').toString('base64url') };
  for (const header of [{ jku: keyServerUrl }, { x5u: keyServerUrl }, { jwk: evil }, { jku: keyServerUrl, kid: 'k1' }]) {
    await expectRefused(signWith(claims(), 'attacker-secret', { header: { alg: 'HS256', ...header } as never }));
  }
  expect(keyServerHits).toBe(0);
});

test('a tampered payload is refused', async () => {
  const [h, , s] = alice.token.split('.');
  const payload = Buffer.from(JSON.stringify({ ...claims(), username: 'admin' })).toString('base64url');
  await expectRefused(`${h}.${payload}.${s}`);
});

test('a re-padded or re-encoded token is refused', async () => {
  const [h, p, s] = alice.token.split('.');
  await expectRefused(`${h}.${p}.${s}==`);
  await expectRefused(`${h}=.${p}.${s}`);
  await expectRefused(`${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}+/.${s}`);
  await expectRefused(`${h}.${p}.${s.slice(0, -2)}`);
});

test('two Authorization headers are refused', async () => {
  // Raw HTTP: fetch would fold the two headers into one.
  const { port } = new URL(server.url);
  const body = JSON.stringify({ query: ME });
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: JWT ${alice.token}\r\n` +
          `Authorization: JWT forged\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    let data = '';
    socket.on('data', (c) => (data += c));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  expect(raw).toMatch(/^HTTP\/1\.1 400/);
  // Folded into one header by a client or proxy, it is simply not a valid token.
  const folded = await fetch(server.url, {
    method: 'POST',
    headers: [
      ['content-type', 'application/json'],
      ['authorization', `JWT ${alice.token}`],
      ['authorization', 'JWT forged'],
    ],
    body,
  });
  expect(((await folded.json()) as any).data.me).toBeNull();
});

test('a token in the query string is ignored', async () => {
  const url = `${server.url}?token=${alice.token}&access_token=${alice.token}&authorization=JWT%20${alice.token}`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ME }) });
  expect(((await res.json()) as any).data.me).toBeNull();
});

test('verifyToken with garbage and non-UTF-8 input answers TOKEN_INVALID', async () => {
  const garbage = [
    '',
    '.',
    '..',
    'a.b.c',
    '\u0000\u0001',
    'ÿþý.üû.ú',
    Buffer.from([0xff, 0xfe, 0xfd]).toString('latin1'),
    '\ud800',
    'e30.e30.',
    `${'A'.repeat(3000)}.${'B'.repeat(3000)}.x`,
  ];
  for (const token of garbage) expect(errorCode(await server.gql(VERIFY, { token }))).toBe('TOKEN_INVALID');
  // Raw invalid UTF-8 bytes in the request body itself.
  const body = Buffer.concat([
    Buffer.from('{"query":"mutation($t: String!) { verifyToken(token: $t) { token } }","variables":{"t":"'),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from('"}}'),
  ]);
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await res.json()) as any;
  expect(json.errors[0].extensions.code).toBe('TOKEN_INVALID');
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.size).toBeGreaterThan(0);
  expect(secrets.leakedIn(server.logs.join(''))).toEqual([]);
});
