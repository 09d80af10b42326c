// A dead refresh token does nothing (issue 11, point 4): logout and
// revokeToken act only on a live token, so a leaked old token cannot sign the
// victim out; and ended sessions and spent tokens are purged, by the server's
// periodic sweep and by `manage cleanup`.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OneTimeToken, RefreshToken, Session } from '../../src/entities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH, REVOKE, USERS } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp, tokenFrom } from '../helpers/smtp';

const LOGOUT = `mutation($r: String, $e: Boolean) { logout(refreshToken: $r, everywhere: $e) }`;
const VERIFY_EMAIL = `mutation($t: String!) { verifyEmail(token: $t) { id } }`;
const secrets = new SecretLog();
const servers: TestServer[] = [];
async function start(env: Record<string, string> = {}) {
  const s = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none', ...env });
  servers.push(s);
  return s;
}
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(databases.map((d) => d.drop()));
});

const idOf = (refreshToken: string) => refreshToken.split('.')[0];
const alive = async (s: TestServer, t: { token: string }) => !(await s.gql(USERS, {}, { token: t.token })).errors;
const sessionRow = (s: TestServer, id: string) => s.app.orm.em.fork().findOne(Session, id);

/** A user with two sessions; the first rotated once, its old token rotated away an hour ago. */
async function victim(s: TestServer) {
  const u = await registerUser(s);
  const phone = (await s.gql(LOGIN, { username: u.user.username, password: u.password })).data.login;
  const rotated = (await s.gql(REFRESH, { refreshToken: u.refreshToken })).data.refreshToken;
  await s.app.orm.em.fork().nativeUpdate(RefreshToken, { id: idOf(u.refreshToken) }, { usedAt: new Date(Date.now() - 3600_000) });
  secrets.add(u.password);
  for (const t of [u.refreshToken, phone.refreshToken, rotated.refreshToken]) secrets.add(t);
  return { u, old: u.refreshToken, laptop: rotated, phone };
}

describe('logout and revokeToken refuse a dead refresh token and change nothing', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start({ JWT_REFRESH_REUSE_INTERVAL: '10' });
  });

  test('a leaked rotated-away token cannot log the victim out everywhere', async () => {
    const { old, laptop, phone } = await victim(s);
    const res = await s.gql(LOGOUT, { r: old, e: true });
    expect(errorCode(res)).toBe('TOKEN_INVALID');
    expect(await alive(s, laptop)).toBe(true);
    expect(await alive(s, phone)).toBe(true);
  });

  test('nor end the session it came from, by logout or revokeToken', async () => {
    const { old, laptop } = await victim(s);
    const sid = (await s.app.orm.em.fork().findOneOrFail(RefreshToken, idOf(old))).session.id;
    expect(errorCode(await s.gql(LOGOUT, { r: old }))).toBe('TOKEN_INVALID');
    expect(errorCode(await s.gql(REVOKE, { refreshToken: old }))).toBe('TOKEN_INVALID');
    expect((await sessionRow(s, sid))?.revokedAt).toBeNull();
    expect(await alive(s, laptop)).toBe(true);
    // And the holder of the live token can still refresh.
    expect((await s.gql(REFRESH, { refreshToken: laptop.refreshToken })).errors).toBeUndefined();
  });

  test('a revoked or expired session’s token is refused too; nothing else moves', async () => {
    const { u, laptop, phone } = await victim(s);
    expect((await s.gql(REVOKE, { refreshToken: phone.refreshToken })).data.revokeToken).toBe(true);
    expect(errorCode(await s.gql(REVOKE, { refreshToken: phone.refreshToken }))).toBe('TOKEN_INVALID');
    expect(errorCode(await s.gql(LOGOUT, { r: phone.refreshToken, e: true }))).toBe('TOKEN_INVALID');
    expect(await alive(s, laptop)).toBe(true);

    const third = (await s.gql(LOGIN, { username: u.user.username, password: u.password })).data.login;
    const sid = (await s.app.orm.em.fork().findOneOrFail(RefreshToken, idOf(third.refreshToken))).session.id;
    await s.app.orm.em.fork().nativeUpdate(Session, { id: sid }, { expiresAt: new Date(Date.now() - 1000) });
    expect(errorCode(await s.gql(REVOKE, { refreshToken: third.refreshToken }))).toBe('TOKEN_INVALID');
    expect(errorCode(await s.gql(LOGOUT, { r: third.refreshToken, e: true }))).toBe('TOKEN_INVALID');
    expect((await sessionRow(s, sid))?.revokedAt).toBeNull();
    expect(await alive(s, laptop)).toBe(true);
  });

  test('unknown and malformed tokens are TOKEN_INVALID (no longer false)', async () => {
    const { laptop } = await victim(s);
    const [id] = laptop.refreshToken.split('.');
    for (const bad of ['nope.nope', `${id}.${'A'.repeat(43)}`, 'x'.repeat(5000)]) {
      expect(errorCode(await s.gql(REVOKE, { refreshToken: bad }))).toBe('TOKEN_INVALID');
      expect(errorCode(await s.gql(LOGOUT, { r: bad, e: true }))).toBe('TOKEN_INVALID');
    }
    expect(await alive(s, laptop)).toBe(true);
  });

  test('live tokens still work: the current one, and a rotated one within the grace window', async () => {
    const { u, laptop, phone } = await victim(s);
    const next = (await s.gql(REFRESH, { refreshToken: phone.refreshToken })).data.refreshToken;
    // phone.refreshToken was rotated a moment ago: still inside JWT_REFRESH_REUSE_INTERVAL.
    expect((await s.gql(LOGOUT, { r: phone.refreshToken })).data.logout).toBe(true);
    expect(await alive(s, next)).toBe(false);
    expect(await alive(s, laptop)).toBe(true);
    expect((await s.gql(LOGOUT, { r: laptop.refreshToken, e: true })).data.logout).toBe(true);
    expect(await alive(s, laptop)).toBe(false);
    expect(await alive(s, u)).toBe(false);
  });
});

test('cookie mode: logout with a dead refresh cookie is TOKEN_INVALID, still clears both cookies, and ends nothing', async () => {
  const s = await start({ JWT_COOKIE: 'true' });
  const { old, laptop } = await victim(s);
  const res = await fetch(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `authql_refresh=${old}` },
    body: JSON.stringify({ query: 'mutation { logout }' }),
  });
  const body = (await res.json()) as { errors?: Array<{ extensions: { code: string } }> };
  expect(body.errors?.[0].extensions.code).toBe('TOKEN_INVALID');
  const cleared = res.headers
    .getSetCookie()
    .filter((c) => /Max-Age=0/i.test(c))
    .map((c) => c.split('=')[0]);
  expect(cleared.sort()).toEqual(['authql_refresh', 'authql_token']);
  expect(await alive(s, laptop)).toBe(true);
});

/** Rows of every kind the sweep looks at, some to purge and some to keep. */
async function seed(s: TestServer, smtp: FakeSmtp) {
  const em = () => s.app.orm.em.fork();
  const u = await registerUser(s);
  const verification = tokenFrom(await smtp.waitFor((m) => m.to.includes(u.email) && /Confirm/.test(m.subject)));
  expect((await s.gql(VERIFY_EMAIL, { t: verification })).errors).toBeUndefined(); // a used one-time token
  await s.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: u.email });
  const reset = tokenFrom(await smtp.waitFor((m) => m.to.includes(u.email) && /Reset/.test(m.subject)));
  await em().nativeUpdate(OneTimeToken, { id: idOf(reset) }, { expiresAt: new Date(Date.now() - 1000) }); // an expired one
  const login = async () => (await s.gql(LOGIN, { username: u.user.username, password: u.password })).data.login;
  const [revoked, expired, live] = [await login(), await login(), await login()];
  const sid = async (t: string) => (await em().findOneOrFail(RefreshToken, idOf(t))).session.id;
  // Session ids are read while the rows are live: the sweep runs every second and may purge an ended one at once.
  const ids = {
    revoked: await sid(revoked.refreshToken),
    expired: await sid(expired.refreshToken),
    live: await sid(live.refreshToken),
    registered: await sid(u.refreshToken),
  };
  expect((await s.gql(LOGOUT, { r: revoked.refreshToken })).data.logout).toBe(true);
  await em().nativeUpdate(Session, { id: ids.expired }, { expiresAt: new Date(Date.now() - 1000) });
  // The live session keeps its rotated-away token: reuse detection needs it.
  const rotated = (await s.gql(REFRESH, { refreshToken: live.refreshToken })).data.refreshToken;
  expect(await sid(rotated.refreshToken)).toBe(ids.live);
  return { u, ids, live, rotated, oneTime: [idOf(verification), idOf(reset)] };
}

async function leftOver(s: TestServer, seeded: Awaited<ReturnType<typeof seed>>) {
  const em = s.app.orm.em.fork();
  return {
    sessions: (await em.find(Session, { id: { $in: Object.values(seeded.ids) } })).map((r) => r.id).sort(),
    refreshTokens: await em.count(RefreshToken, { session: { $in: [seeded.ids.revoked, seeded.ids.expired] } }),
    liveTokens: await em.count(RefreshToken, { session: seeded.ids.live }),
    oneTime: await em.count(OneTimeToken, { id: { $in: seeded.oneTime } }),
  };
}

test('the server sweeps ended sessions, their refresh tokens and spent one-time tokens; live ones stay', async () => {
  const smtp = await startFakeSmtp();
  try {
    const s = await start({ SMTP_URL: smtp.url, ACCOUNT_EMAIL_VERIFICATION: 'optional', CLEANUP_INTERVAL: '1', CLEANUP_RETENTION: '0' });
    const seeded = await seed(s, smtp);
    const keep = [seeded.ids.live, seeded.ids.registered].sort();
    const deadline = Date.now() + 8000;
    let rows = await leftOver(s, seeded);
    while (Date.now() < deadline && rows.sessions.length > keep.length) {
      await new Promise((r) => setTimeout(r, 200));
      rows = await leftOver(s, seeded);
    }
    expect(rows).toEqual({ sessions: keep, refreshTokens: 0, liveTokens: 2, oneTime: 0 });
    // Reuse detection on the live session still works after the sweep.
    await s.app.orm.em.fork().nativeUpdate(RefreshToken, { id: idOf(seeded.live.refreshToken) }, { usedAt: new Date(Date.now() - 3600_000) });
    expect(errorCode(await s.gql(REFRESH, { refreshToken: seeded.live.refreshToken }))).toBe('REFRESH_TOKEN_REUSED');
  } finally {
    await smtp.stop();
  }
});

test('the retention keeps ended rows for a while: a sweep with the default keeps today’s', async () => {
  const smtp = await startFakeSmtp();
  try {
    const s = await start({ SMTP_URL: smtp.url, ACCOUNT_EMAIL_VERIFICATION: 'optional', CLEANUP_INTERVAL: '1' });
    const seeded = await seed(s, smtp);
    await new Promise((r) => setTimeout(r, 2500)); // two sweeps
    expect((await leftOver(s, seeded)).sessions).toHaveLength(4);
  } finally {
    await smtp.stop();
  }
});

test('`manage cleanup` purges once and prints what it removed', async () => {
  const smtp = await startFakeSmtp();
  const db = await freshDatabase({ shared: true });
  databases.push(db);
  const s = await start({ DATABASE_URL: db.url, SMTP_URL: smtp.url, ACCOUNT_EMAIL_VERIFICATION: 'optional', CLEANUP_INTERVAL: '0' });
  let seeded: Awaited<ReturnType<typeof seed>>;
  try {
    seeded = await seed(s, smtp);
  } finally {
    await smtp.stop();
  }
  const env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'authql-cleanup-')), NODE_ENV: 'test', CLEANUP_RETENTION: '0' };
  const manage = join(__dirname, '../../dist/src/cli/manage.js');
  const out = await promisify(execFile)(process.execPath, [manage, 'cleanup'], { env });
  expect(out.stdout).toMatch(/Removed 2 ended sessions \(with 2 refresh tokens\) and 2 used or expired one-time tokens\./);
  expect(await leftOver(s, seeded)).toEqual({ sessions: [seeded.ids.live, seeded.ids.registered].sort(), refreshTokens: 0, liveTokens: 2, oneTime: 0 });
  const again = await promisify(execFile)(process.execPath, [manage, 'cleanup'], { env });
  expect(again.stdout).toMatch(/Removed 0 ended sessions \(with 0 refresh tokens\) and 0 used or expired one-time tokens\./);
});

test('no secret reached the logs', () => {
  expect(secrets.size).toBeGreaterThan(0);
  for (const s of servers) expect(secrets.leakedIn(s.logs.join('\n'))).toEqual([]);
});
