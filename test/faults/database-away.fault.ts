// The database away under load. PostgreSQL: the scenario's own database
// refuses connections and its backends are terminated (the shared server
// keeps running for everyone else), then it is let back. SQLite: another
// process holds the write lock longer than SQLITE_BUSY_TIMEOUT, and the disk
// fills up (a small tmpfs). Meanwhile clients answer SERVICE_UNAVAILABLE or
// succeed, never INTERNAL_SERVER_ERROR and never a hang; once the database
// is back, the pool recovers and no request fails; nothing is half-written.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { REGISTER } from '../helpers/operations';
import { mixedStep, PROTECTED, registerAccounts } from './helpers/accounts';
import { DIALECTS, type FaultDatabase, faultDatabase, pgAdmin, rowProblems } from './helpers/databases';
import { call, type Outcome } from './helpers/http';
import { isUnavailable, Load, type Phase, timeUntilOk } from './helpers/load';
import { ms, record, Violations } from './helpers/results';
import { type FaultServer, faultEnv, keepLog, startServer } from './helpers/server';
import { size, sleep } from './helpers/sizes';

const WORKERS = size('FAULTS_DB_WORKERS', 20, 6);
const OUTAGE_MS = size('FAULTS_DB_OUTAGE_MS', 5000, 2000);
const OUTAGES = size('FAULTS_DB_OUTAGES', 5, 2);
/** ok answers to wait for in each calm phase (before the first fault, after each recovery). */
const CALM = size('FAULTS_DB_CALM_REQUESTS', 300, 60);

const acceptable = (o: Outcome, phase: Phase) => o.kind === 'ok' || (phase === 'during' && isUnavailable(o));

async function untilServed(load: Load, phase: Phase, n: number): Promise<void> {
  const start = load.byPhase[phase].get('ok');
  // Stops early when something went wrong: the checks then report it.
  while (load.byPhase[phase].get('ok') - start < n && load.bad.length === 0) await sleep(20);
}

function checkServer(v: Violations, server: FaultServer, label: string): void {
  keepLog(server, label);
  v.check(server.child.exitCode === null && server.child.signalCode === null, 'the server exited');
  const unhandled = server.problems.filter((l) => /unhandled|uncaught/i.test(l));
  v.check(unhandled.length === 0, `unhandled errors in the log: ${unhandled.slice(0, 2).join(' | ')}`);
}

/** Progress on stderr (jest holds console.log until the end). */
const progress = (m: string) => process.stderr.write(`faults: ${m}\n`);

const pgDialect = DIALECTS.includes('postgresql') ? test : test.skip;
const sqliteDialect = DIALECTS.includes('sqlite') ? test : test.skip;

pgDialect(`PostgreSQL: ${OUTAGES} outages of ${OUTAGE_MS} ms (connections refused, backends terminated) under ${WORKERS} clients`, async () => {
  const db = await faultDatabase('postgresql');
  const server = await startServer(faultEnv(db.url));
  const v = new Violations();
  try {
    const accounts = await registerAccounts(server.url, 'pgaway', WORKERS);
    const load = new Load(WORKERS, (w, n) => mixedStep(server.url, accounts[w], n), acceptable).start();
    const recoveries: number[] = [];
    await untilServed(load, 'before', CALM);
    for (let i = 0; i < OUTAGES; i++) {
      load.phase = 'during';
      await pgAdmin(async (c) => {
        await c.query(`alter database "${db.name}" with allow_connections false`);
        const deadline = Date.now() + OUTAGE_MS;
        while (Date.now() < deadline) {
          await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [db.name]);
          await sleep(250);
        }
        await c.query(`alter database "${db.name}" with allow_connections true`);
      });
      // Back: the time until a request succeeds again, then calm again (nothing may fail).
      recoveries.push(await timeUntilOk(() => call(server.url, PROTECTED, {}, { token: accounts[0].access })));
      load.phase = 'after';
      await untilServed(load, 'after', CALM);
    }
    await load.stop();
    for (const b of load.bad) v.check(false, b);
    checkServer(v, server, expect.getState().currentTestName ?? 'db');
    for (const p of await rowProblems(db)) v.check(false, p);
    record({
      scenario: 'database away',
      database: 'postgresql',
      load: `${WORKERS} clients (refresh, users, verifyToken)`,
      faults: `${OUTAGES} × ${ms(OUTAGE_MS)} connections refused + backends terminated`,
      served: load.served(),
      errors: load.total.errors(),
      violations: v.count,
      recovery: `first ok ${ms(Math.max(...recoveries))} max after the database is back`,
      notes: `during: ${load.byPhase.during.errors()}; after: ${load.byPhase.after.errors()}`,
    });
    expect(v.seen).toEqual([]);
  } finally {
    await server.stop();
    await db.drop();
  }
});

sqliteDialect(`SQLite: another process holds the write lock past SQLITE_BUSY_TIMEOUT under ${WORKERS} clients`, async () => {
  const db = await faultDatabase('sqlite');
  const server = await startServer(faultEnv(db.url, { SQLITE_BUSY_TIMEOUT: '1' }));
  const v = new Violations();
  try {
    const accounts = await registerAccounts(server.url, 'locked', WORKERS);
    const load = new Load(WORKERS, (w, n) => mixedStep(server.url, accounts[w], n), acceptable).start();
    const recoveries: number[] = [];
    await untilServed(load, 'before', CALM);
    for (let i = 0; i < OUTAGES; i++) {
      load.phase = 'during';
      const other = new Sqlite(db.name);
      other.pragma('busy_timeout = 5000');
      other.exec('BEGIN EXCLUSIVE');
      await sleep(OUTAGE_MS);
      other.exec('COMMIT');
      other.close();
      recoveries.push(await timeUntilOk(() => mixedStep(server.url, accounts[0], 0)));
      load.phase = 'after';
      await untilServed(load, 'after', CALM);
    }
    await load.stop();
    for (const b of load.bad) v.check(false, b);
    v.check(load.byPhase.during.get('SERVICE_UNAVAILABLE') > 0, 'no SERVICE_UNAVAILABLE while locked: the lock did not bite');
    checkServer(v, server, expect.getState().currentTestName ?? 'db');
    for (const p of await rowProblems(db)) v.check(false, p);
    record({
      scenario: 'database locked',
      database: 'sqlite',
      load: `${WORKERS} clients (refresh, users, verifyToken)`,
      faults: `${OUTAGES} × ${ms(OUTAGE_MS)} write lock held by another process (SQLITE_BUSY_TIMEOUT=1)`,
      served: load.served(),
      errors: load.total.errors(),
      violations: v.count,
      recovery: `first write ok ${ms(Math.max(...recoveries))} max after the lock is released`,
    });
    expect(v.seen).toEqual([]);
  } finally {
    await server.stop();
    await db.drop();
  }
});

/** A small tmpfs for the full-disk case; null where mounting is not allowed (then the test says so and skips). */
function smallVolume(): { dir: string; unmount(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'authql-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size('FAULTS_DISK_KB', 32768, 32768)}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { dir, unmount: () => execFileSync('umount', ['-l', dir]) };
}

/** Fills the volume but for `leaveBytes`; returns the filler's path. */
function fill(dir: string, leaveBytes: number): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  }
  closeSync(fd);
  truncateSync(path, Math.max(0, statSync(path).size - leaveBytes));
  return path;
}

sqliteDialect('SQLite: the disk fills up under registrations and refreshes (SQLITE_FULL)', async () => {
  const volume = smallVolume();
  if (!volume) {
    console.log('faults: SKIPPED the full-disk case: this machine does not let the test mount a tmpfs');
    return;
  }
  const db: FaultDatabase = await faultDatabase('sqlite', volume.dir);
  const server = await startServer(faultEnv(db.url));
  const v = new Violations();
  try {
    const accounts = await registerAccounts(server.url, 'full', WORKERS);
    const registered = new Set<string>();
    const refused = new Set<string>();
    // Every third step is a registration: new rows, so new pages, so the full disk shows.
    const step = async (w: number, n: number): Promise<Outcome> => {
      if (n % 3 !== 2) return mixedStep(server.url, accounts[w], n);
      const name = `new${w}x${n}`;
      const o = await call(server.url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
      if (o.kind === 'ok') registered.add(name);
      else refused.add(name);
      return o;
    };
    const load = new Load(WORKERS, step, acceptable).start();
    await untilServed(load, 'before', CALM);
    progress('disk: filling');
    load.phase = 'during';
    const filler = fill(volume.dir, 0);
    progress('disk: full');
    // Until the full disk has refused some writes (or clearly never will).
    const failed = () => load.byPhase.during.total() - load.byPhase.during.get('ok');
    while (failed() < 20 && load.bad.length === 0 && load.byPhase.during.get('ok') < 3000) await sleep(20);
    v.check(failed() > 0, `the full disk refused nothing (${load.byPhase.during.get('ok')} ok answers while full)`);
    progress(`disk: freeing; during ${load.byPhase.during.errors()}`);
    rmSync(filler);
    let probes = 0;
    const recovery = await timeUntilOk(() => {
      const name = `probe${probes++}`;
      return call(server.url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
    });
    progress('disk: recovered');
    load.phase = 'after';
    await untilServed(load, 'after', CALM);
    await load.stop();
    for (const b of load.bad) v.check(false, b);
    checkServer(v, server, expect.getState().currentTestName ?? 'db');
    progress('disk: stopping');
    await server.stop();
    for (const p of await rowProblems(db)) v.check(false, p);
    // All or nothing: every answered registration is stored whole, no refused one at all.
    const names = new Set((await db.query<{ username: string }>('select username from users')).map((r) => r.username));
    for (const n of registered) v.check(names.has(n), `${n} was registered but is not stored`);
    for (const n of refused) v.check(!names.has(n), `${n} was refused but is stored`);
    record({
      scenario: 'disk full',
      database: 'sqlite',
      load: `${WORKERS} clients (refresh, users, verifyToken, register)`,
      faults: `tmpfs of ${size('FAULTS_DISK_KB', 32768, 32768)} KB filled`,
      served: load.served(),
      errors: load.total.errors(),
      violations: v.count,
      recovery: `first write ok ${ms(recovery)} after space is freed`,
    });
    expect(v.seen).toEqual([]);
  } finally {
    await server.stop();
    volume.unmount();
  }
});
