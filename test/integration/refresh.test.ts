// Refresh-token rotation, the grace window, reuse detection, revocation and
// the absolute session limit, over real HTTP and a real database.
import { RefreshToken } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { ME, REFRESH, REVOKE, USERS } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { decodePayload } from '../helpers/tokens';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const servers: TestServer[] = [];
async function start(env: Record<string, string> = {}) {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));

test('a refresh returns a new pair, keeps orig_iat and the session end, and the old token dies', async () => {
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '0' });
  const u = await registerUser(server);
  await sleep(1100);
  const r1 = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(r1.errors).toBeUndefined();
  const next = r1.data.refreshToken;
  expect(next.refreshToken).not.toBe(u.refreshToken);
  expect(next.token).not.toBe(u.token);
  expect(next.payload.origIat).toBe(u.payload.origIat);
  expect(next.payload.iat).toBeGreaterThan(u.payload.iat);
  expect(next.refreshExpiresIn).toBe(u.refreshExpiresIn);
  expect(decodePayload(next.token).sid).toBe(decodePayload(u.token).sid);
  expect((await server.gql(ME, {}, { token: next.token })).data.me.username).toBe(u.user.username);
  // The new refresh token works in turn; the old one is dead.
  expect((await server.gql(REFRESH, { refreshToken: next.refreshToken })).errors).toBeUndefined();
  expect(errorCode(await server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
});

test('refreshing does not need a live access token (unlike djangorestframework-jwt)', async () => {
  const server = await start({ JWT_EXPIRATION_DELTA: '1' });
  const u = await registerUser(server);
  await sleep(2100);
  expect(errorCode(await server.gql(USERS, {}, { token: u.token }))).toBe('UNAUTHENTICATED');
  const r = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(r.errors).toBeUndefined();
  expect((await server.gql(USERS, {}, { token: r.data.refreshToken.token })).errors).toBeUndefined();
});

test('reuse after the grace window revokes the whole family with REFRESH_TOKEN_REUSED', async () => {
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '0', JWT_REFRESH_RETRY_WINDOW: '0' });
  const u = await registerUser(server);
  const r1 = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  await sleep(50);
  const reuse = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(errorCode(reuse)).toBe('REFRESH_TOKEN_REUSED');
  // The legitimate successor is dead too, and so are the session's access tokens.
  const after = await server.gql(REFRESH, { refreshToken: r1.data.refreshToken.refreshToken });
  expect(errorCode(after)).toBe('TOKEN_INVALID');
  expect(firstError(await server.gql(USERS, {}, { token: r1.data.refreshToken.token }))?.extensions?.reason).toBe('TOKEN_INVALID');
  expect(server.logs.join('')).toContain('refresh_reuse');
});

test('a refresh whose answer was lost (a crash) is retried after the grace window: the same successor while that one is unused', async () => {
  // test/faults/crash-rotation.fault.ts found this: a restart takes longer than JWT_REFRESH_REUSE_INTERVAL.
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '0', JWT_REFRESH_RETRY_WINDOW: '300' });
  const u = await registerUser(server);
  const lost = await server.gql(REFRESH, { refreshToken: u.refreshToken }); // the client never saw this answer
  await sleep(1100);
  const retry = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(retry.errors).toBeUndefined();
  expect(retry.data.refreshToken.refreshToken).toBe(lost.data.refreshToken.refreshToken);
  // Theft is still caught: once the successor has been used, the old token ends the session.
  expect((await server.gql(REFRESH, { refreshToken: retry.data.refreshToken.refreshToken })).errors).toBeUndefined();
  expect(errorCode(await server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
});

test('past JWT_REFRESH_RETRY_WINDOW an unused successor no longer forgives the old token', async () => {
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '0', JWT_REFRESH_RETRY_WINDOW: '1' });
  const u = await registerUser(server);
  await server.gql(REFRESH, { refreshToken: u.refreshToken });
  await sleep(2100);
  expect(errorCode(await server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
});

test('inside the grace window a repeated refresh gets the same successor', async () => {
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '10' });
  const u = await registerUser(server);
  const a = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  const b = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(b.errors).toBeUndefined();
  expect(b.data.refreshToken.refreshToken).toBe(a.data.refreshToken.refreshToken);
  // Once the successor itself has been used, the old token is no longer forgiven.
  await server.gql(REFRESH, { refreshToken: a.data.refreshToken.refreshToken });
  expect(errorCode(await server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
});

test('twenty concurrent refreshes with one token leave exactly one live successor', async () => {
  const server = await start();
  const u = await registerUser(server);
  const results = await Promise.all(Array.from({ length: 20 }, () => server.gql(REFRESH, { refreshToken: u.refreshToken })));
  const tokens = new Set(results.map((r) => r.data?.refreshToken?.refreshToken));
  expect(results.every((r) => r.errors === undefined)).toBe(true);
  expect(tokens.size).toBe(1);
  const em = server.app.orm.em.fork();
  const sid = decodePayload(u.token).sid;
  const rows = await em.find(RefreshToken, { session: sid });
  expect(rows).toHaveLength(2);
  expect(rows.filter((r) => r.usedAt === null || r.usedAt === undefined)).toHaveLength(1);
});

test('a session cannot outlive orig_iat + JWT_REFRESH_EXPIRATION_DELTA however often it is refreshed', async () => {
  const server = await start({ JWT_REFRESH_EXPIRATION_DELTA: '3' });
  const u = await registerUser(server);
  let token = u.refreshToken;
  for (let i = 0; i < 2; i++) {
    await sleep(1000);
    const r = await server.gql(REFRESH, { refreshToken: token });
    expect(r.errors).toBeUndefined();
    expect(r.data.refreshToken.refreshExpiresIn).toBe(u.refreshExpiresIn);
    token = r.data.refreshToken.refreshToken;
  }
  await sleep(1300);
  expect(errorCode(await server.gql(REFRESH, { refreshToken: token }))).toBe('TOKEN_EXPIRED');
});

test('revokeToken ends the session: its refresh and access tokens stop working', async () => {
  const server = await start();
  const u = await registerUser(server);
  expect((await server.gql(REVOKE, { refreshToken: u.refreshToken })).data.revokeToken).toBe(true);
  expect(errorCode(await server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBe('TOKEN_INVALID');
  expect(firstError(await server.gql(USERS, {}, { token: u.token }))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
  // Any token that is not live (here: already revoked, or not a token at all) is refused and changes nothing.
  expect(errorCode(await server.gql(REVOKE, { refreshToken: u.refreshToken }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(REVOKE, { refreshToken: 'nope.nope' }))).toBe('TOKEN_INVALID');
});

test('malformed or unknown refresh tokens are TOKEN_INVALID; none at all is BAD_USER_INPUT', async () => {
  const server = await start();
  const u = await registerUser(server);
  const [id] = u.refreshToken.split('.');
  expect((await server.gql(REFRESH, { refreshToken: '' })).errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'refreshToken' });
  for (const bad of ['garbage', `${id}.${'A'.repeat(43)}`, u.token, 'x'.repeat(5000)]) {
    expect(errorCode(await server.gql(REFRESH, { refreshToken: bad }))).toBe('TOKEN_INVALID');
  }
});

test('JWT_ALLOW_REFRESH=false issues no refresh token', async () => {
  const server = await start({ JWT_ALLOW_REFRESH: 'false' });
  const u = await registerUser(server);
  expect(u.refreshToken).toBeNull();
  expect(u.refreshExpiresIn).toBeNull();
  expect((await server.gql(USERS, {}, { token: u.token })).errors).toBeUndefined();
});

test('a client that lost the answer to a refresh retries within the grace window and is not logged out', async () => {
  const server = await start({ JWT_REFRESH_REUSE_INTERVAL: '10' });
  const u = await registerUser(server);
  // The request reaches the server, which rotates the token, but the client
  // drops the connection before reading the answer (a shutdown, a bad network).
  const abort = new AbortController();
  const lost = fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REFRESH, variables: { refreshToken: u.refreshToken } }),
    signal: abort.signal,
  });
  await new Promise((r) => setTimeout(r, 30));
  abort.abort();
  await lost.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  const retry = await server.gql(REFRESH, { refreshToken: u.refreshToken });
  expect(retry.errors).toBeUndefined();
  expect((await server.gql(REFRESH, { refreshToken: retry.data.refreshToken.refreshToken })).errors).toBeUndefined();
});
