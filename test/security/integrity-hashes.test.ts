// Imported hashes cannot stall the server (issue 11, point 13): a hash whose
// work factor is over authql's caps never verifies and costs nothing; bcrypt
// runs on the thread pool, not the event loop; and every hash check, native or
// imported, passes the one concurrency gate, which /metrics makes visible.

import { execFile } from 'node:child_process';
import { createHash, pbkdf2, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import { hash as bcryptHash } from 'bcryptjs';
import { usernameKey } from '../../src/accounts/accounts';
import { User } from '../../src/entities';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { createDjangoDatabase, djangoPbkdf2, insertUser } from '../helpers/django';
import { LOGIN } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

const PASSWORD = 'imported-passphrase-42';
const secrets = new SecretLog();
secrets.add(PASSWORD);
const servers: TestServer[] = [];
const databases: TestDatabase[] = [];
async function start(env: Record<string, string> = {}) {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(databases.map((d) => d.drop()));
});

const salt = () => randomBytes(12).toString('hex');
const pbkdf2Async = promisify(pbkdf2);
const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
/** Django's encodings, computed here with independent implementations (node:crypto, bcryptjs, argon2). */
const django = {
  pbkdf2: async (password: string, iterations: number) => {
    const s = salt();
    return `pbkdf2_sha256$${iterations}$${s}$${(await pbkdf2Async(password, s, iterations, 32, 'sha256')).toString('base64')}`;
  },
  bcryptSha256: async (password: string, cost: number) => `bcrypt_sha256$${(await bcryptHash(sha256Hex(password), cost)).replace(/^\$2a\$/, '$2b$')}`,
  bcrypt: async (password: string, cost: number) => `bcrypt$${(await bcryptHash(password, cost)).replace(/^\$2a\$/, '$2b$')}`,
  argon2: async (password: string, o: { memoryCost: number; timeCost: number; parallelism: number }) =>
    `argon2${await argon2Hash(password, { algorithm: Algorithm.Argon2id, ...o })}`,
};

let n = 0;
/** A user row holding `hash` as its password, as `manage import-django` (or an older version of it) left it. */
async function importedUser(s: TestServer, hash: string): Promise<string> {
  const username = `imported${++n}_${Date.now().toString(36)}`;
  const em = s.app.orm.em.fork();
  em.create(User, { username, usernameKey: usernameKey(username), email: null, emailKey: null, password: hash, dateJoined: new Date() });
  await em.flush();
  return username;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}
const login = (s: TestServer, username: string, password = PASSWORD) => s.gql(LOGIN, { username, password });

/** The server's /metrics, as name{labels} → value. */
async function metrics(s: TestServer): Promise<Map<string, number>> {
  const text = await (await fetch(`${s.app.origin}/metrics`)).text();
  return new Map([...text.matchAll(/^(authql_password_hash\w*(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

describe('work factors over the caps', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await start();
  });

  test('a stored hash over a cap never verifies, even with the right password, and is refused quickly', async () => {
    // Each of these is seconds of CPU per attempt if computed.
    const [pbkdf2Over, bcryptOver, argonOver] = await Promise.all([
      timed(() => django.pbkdf2(PASSWORD, 4_000_000)),
      timed(() => django.bcryptSha256(PASSWORD, 14)),
      timed(() => django.argon2(PASSWORD, { memoryCost: 19456, timeCost: 40, parallelism: 1 })),
    ]);
    for (const over of [pbkdf2Over, bcryptOver, argonOver]) {
      const username = await importedUser(s, over.value);
      const res = await timed(() => login(s, username));
      expect(errorCode(res.value)).toBe('INVALID_CREDENTIALS');
      expect(res.ms).toBeLessThan(over.ms / 3);
    }
    // Within the caps (Django's own defaults), the same formats sign in.
    for (const ok of [
      await django.argon2(PASSWORD, { memoryCost: 102400, timeCost: 2, parallelism: 8 }),
      await django.bcrypt(PASSWORD, 5),
      djangoPbkdf2(PASSWORD, 1000),
    ]) {
      expect((await login(s, await importedUser(s, ok))).errors).toBeUndefined();
    }
  });

  test('the importer reports hashes over the caps and makes them unusable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authql-caps-'));
    const file = join(dir, 'django.sqlite3');
    const db = await createDjangoDatabase(file);
    const fake = (bytes: number) => randomBytes(bytes).toString('base64');
    const over = [
      `pbkdf2_sha256$3000001$${salt()}$${fake(32)}`,
      `bcrypt_sha256$$2b$14$${'a'.repeat(53)}`,
      `argon2$argon2id$v=19$m=204800,t=2,p=8$${fake(16).replace(/=+$/, '')}$${fake(32).replace(/=+$/, '')}`,
      `argon2$argon2id$v=19$m=102400,t=5,p=8$${fake(16).replace(/=+$/, '')}$${fake(32).replace(/=+$/, '')}`,
      `argon2$argon2id$v=19$m=102400,t=2,p=16$${fake(16).replace(/=+$/, '')}$${fake(32).replace(/=+$/, '')}`,
    ];
    for (const [i, password] of over.entries()) await insertUser(db, { id: i + 1, username: `over${i}`, password });
    await insertUser(db, { id: 9, username: 'fine', password: `pbkdf2_sha256$1000000$${salt()}$${fake(32)}` });
    await db.close();
    const target = await freshDatabase({ shared: true });
    databases.push(target);
    const env = { ...process.env, DATABASE_URL: target.url, DATA_DIR: dir, NODE_ENV: 'test' };
    const out = await promisify(execFile)(process.execPath, [join(__dirname, '../../dist/src/cli/manage.js'), 'import-django', '--database', file], { env });
    expect(out.stdout).toContain('passwords: 1 Django hashes kept');
    expect(out.stdout).toContain('0 in formats authql cannot check (made unusable), 5 over the work-factor caps (made unusable)');
    expect(out.stdout).toMatch(
      /note: 5 users must reset their password \(their hashes are over the caps: PBKDF2 3,000,000 iterations, bcrypt cost 13, argon2 m=102400 t=4 p=8\)/,
    );
    const imported = await startTestServer({ DATABASE_URL: target.url });
    servers.push(imported);
    const rows = await imported.app.orm.em.fork().find(User, {}, { populate: ['password'], orderBy: { username: 'asc' } });
    expect(rows.filter((u) => u.password.startsWith('!')).map((u) => u.username)).toEqual(['over0', 'over1', 'over2', 'over3', 'over4']);
  });
});

describe('bcrypt off the event loop, behind the gate', () => {
  let s: TestServer;
  let username: string;
  let single: number;
  beforeAll(async () => {
    s = await start();
    username = await importedUser(s, await django.bcryptSha256(PASSWORD, 12));
    await login(s, username, 'wrong-but-warm');
    // One bcrypt check at Django's cost, as a whole (wrong password: no re-hash afterwards).
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await timed(() => login(s, username, `wrong-${i}`))).ms);
    single = runs.sort((a, b) => a - b)[1];
  });

  test('/healthz answers promptly while several cost-12 bcrypt checks run', async () => {
    let done = false;
    const checks = Promise.all(Array.from({ length: 4 }, (_, i) => login(s, username, `wrong-parallel-${i}`))).finally(() => (done = true));
    const health: number[] = [];
    while (!done) {
      const r = await timed(() => fetch(`${s.app.origin}/healthz`).then((res) => res.status));
      expect(r.value).toBe(200);
      health.push(r.ms);
    }
    for (const r of await checks) expect(errorCode(r)).toBe('INVALID_CREDENTIALS');
    health.sort((a, b) => a - b);
    expect(health.length).toBeGreaterThanOrEqual(3);
    // Relative, not wall-clock: the event loop never waited for a bcrypt check
    // (percentiles rather than the maximum, which a busy machine's GC pause can set).
    const at = (q: number) => health[Math.floor((health.length - 1) * q)];
    expect(at(0.5)).toBeLessThan(single / 8);
    expect(at(0.9)).toBeLessThan(single / 4);
  });

  test('a right password still signs in (and is re-hashed with argon2id)', async () => {
    expect((await login(s, username)).errors).toBeUndefined();
    const em = s.app.orm.em.fork();
    expect((await em.findOneOrFail(User, { username }, { populate: ['password'] })).password).toMatch(/^\$argon2id\$/);
  });
});

test('the gate is observable: with PASSWORD_HASH_CONCURRENCY=1, bcrypt and PBKDF2 checks queue one at a time', async () => {
  const s = await start({ PASSWORD_HASH_CONCURRENCY: '1' });
  const bcryptUser = await importedUser(s, await django.bcryptSha256(PASSWORD, 12));
  const pbkdf2User = await importedUser(s, djangoPbkdf2(PASSWORD, 1000));
  const single = (await timed(() => login(s, bcryptUser, 'wrong-first'))).ms;
  const before = await metrics(s);
  expect(before.get('authql_password_hash_slots')).toBe(1);

  let done = false;
  const work = Promise.all([...Array.from({ length: 3 }, (_, i) => login(s, bcryptUser, `wrong-${i}`)), login(s, pbkdf2User, 'wrong-pbkdf2')]).finally(
    () => (done = true),
  );
  let maxActive = 0;
  let maxWaiting = 0;
  while (!done) {
    const m = await metrics(s);
    maxActive = Math.max(maxActive, m.get('authql_password_hash_active') ?? 0);
    maxWaiting = Math.max(maxWaiting, m.get('authql_password_hash_waiting') ?? 0);
    await new Promise((r) => setTimeout(r, 10));
  }
  await work;
  const after = await metrics(s);
  expect(maxActive).toBe(1);
  expect(maxWaiting).toBeGreaterThanOrEqual(2);
  const grew = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  expect(grew('authql_password_hashes_total{scheme="bcrypt"}')).toBe(3);
  expect(grew('authql_password_hashes_total{scheme="pbkdf2"}')).toBe(1);
  expect(grew('authql_password_hash_wait_seconds_count')).toBe(4);
  // Queued one at a time: together they waited at least about one whole bcrypt check.
  expect(grew('authql_password_hash_wait_seconds_sum') * 1000).toBeGreaterThan(single * 0.8);
  expect(after.get('authql_password_hash_active')).toBe(0);
});

test('no secret reached the logs', () => {
  for (const s of servers) expect(secrets.leakedIn(s.logs.join('\n'))).toEqual([]);
});
