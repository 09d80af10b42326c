// Access tokens over real HTTP: header forms, expiry, and forged tokens.
import { registerUser } from '../helpers/fixtures';
import { ME, USERS, VERIFY } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { decodePayload, signWith, tamper, unsignedToken } from '../helpers/tokens';

let server: TestServer;
let alice: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerUser(server);
});
afterAll(() => server.stop());

const withHeader = (authorization: string) => server.gql(USERS, { first: 1 }, { headers: { authorization } });

test('the access token carries the documented claims', () => {
  const claims = decodePayload(alice.token);
  expect(claims).toMatchObject({ sub: alice.user.id, username: alice.user.username, typ: 'access' });
  for (const c of ['iat', 'exp', 'orig_iat', 'jti', 'sid']) expect(claims[c]).toBeDefined();
  expect(claims.exp - claims.iat).toBe(300);
  expect(alice.payload).toMatchObject({ sub: alice.user.id, iat: claims.iat, exp: claims.exp, origIat: claims.orig_iat });
});

test.each(['JWT', 'Bearer', 'jwt', 'bearer'])('the %s header prefix is accepted', async (prefix) => {
  const res = await withHeader(`${prefix} ${alice.token}`);
  expect(res.errors).toBeUndefined();
  expect(res.data.users.edges).toHaveLength(1);
});

test('JWT_AUTH_HEADER_PREFIX names an extra accepted prefix', async () => {
  const other = await startTestServer({ JWT_AUTH_HEADER_PREFIX: 'Token' });
  try {
    const u = await registerUser(other);
    const res = await other.gql(ME, {}, { headers: { authorization: `Token ${u.token}` } });
    expect(res.data.me.username).toBe(u.user.username);
  } finally {
    await other.stop();
  }
});

test('no header is anonymous: me is null, users is UNAUTHENTICATED with reason MISSING_TOKEN', async () => {
  expect((await server.gql(ME)).data.me).toBeNull();
  const res = await server.gql(USERS);
  expect(res.status).toBe(200);
  expect(firstError(res)?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' });
  expect(res.data).toBeNull();
});

test('an unknown prefix or a malformed header is TOKEN_INVALID', async () => {
  for (const h of [`Basic ${alice.token}`, alice.token, `JWT ${alice.token} extra`, 'JWT']) {
    expect(firstError(await withHeader(h))?.extensions?.reason).toBe('TOKEN_INVALID');
  }
});

describe('forged tokens are refused everywhere', () => {
  const claims = () => decodePayload(alice.token);
  const cases: Array<[string, () => string]> = [
    ['alg none', () => unsignedToken(claims())],
    ['alg None', () => unsignedToken(claims(), 'None')],
    ['tampered payload', () => tamper(alice.token, { sub: '999' })],
    ['signed with another secret', () => signWith(claims(), 'another-secret-that-is-long-enough-0123456789')],
    ['HS512 instead of the pinned HS256', () => signWith(claims(), undefined, { algorithm: 'HS512' })],
    ['no exp claim', () => signWith({ ...claims(), exp: undefined })],
    ['no token type', () => signWith({ ...claims(), typ: undefined })],
    ['a refresh-type token', () => signWith({ ...claims(), typ: 'refresh' })],
    ['iat in the future', () => signWith({ ...claims(), iat: claims().iat + 3600 })],
    ['a refresh token presented as access token', () => alice.refreshToken],
    ['garbage', () => 'not.a.token'],
  ];
  test.each(cases)('%s', async (_name, make) => {
    const token = make();
    const users = await server.gql(USERS, {}, { token });
    expect(firstError(users)?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect((await server.gql(ME, {}, { token })).data.me).toBeNull();
    expect(errorCode(await server.gql(VERIFY, { token }))).toBe('TOKEN_INVALID');
  });
});

test('an expired access token: public fields anonymous, protected fields and verifyToken say TOKEN_EXPIRED', async () => {
  const short = await startTestServer({ JWT_EXPIRATION_DELTA: '1' });
  try {
    const u = await registerUser(short);
    expect((await short.gql(VERIFY, { token: u.token })).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2100));
    expect((await short.gql(ME, {}, { token: u.token })).data.me).toBeNull();
    expect(firstError(await short.gql(USERS, {}, { token: u.token }))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    expect(errorCode(await short.gql(VERIFY, { token: u.token }))).toBe('TOKEN_EXPIRED');
  } finally {
    await short.stop();
  }
});

test('JWT_ISSUER and JWT_AUDIENCE are set on tokens and required on verify', async () => {
  const strict = await startTestServer({ JWT_ISSUER: 'https://auth.example', JWT_AUDIENCE: 'app' });
  try {
    const u = await registerUser(strict);
    expect(decodePayload(u.token)).toMatchObject({ iss: 'https://auth.example', aud: 'app' });
    expect((await strict.gql(VERIFY, { token: u.token })).errors).toBeUndefined();
    const claims = decodePayload(u.token);
    for (const bad of [{ iss: 'https://evil.example' }, { aud: 'other' }, { iss: undefined }]) {
      expect(errorCode(await strict.gql(VERIFY, { token: signWith({ ...claims, ...bad }) }))).toBe('TOKEN_INVALID');
    }
  } finally {
    await strict.stop();
  }
});

test('verifyToken answers the token and its payload', async () => {
  const res = await server.gql(VERIFY, { token: alice.token });
  expect(res.data.verifyToken).toEqual({ token: alice.token, payload: alice.payload });
});
