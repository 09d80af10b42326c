// Redis away under load (REDIS_URL set): a Redis of the scenario's own on a
// free port is killed and started again while clients refresh (throttled:
// counted in Redis), read users and check tokens (not throttled). While it is
// away, throttled operations fail closed (SERVICE_UNAVAILABLE) and the rest
// keeps working; nothing unhandled reaches the log; once it is back every
// request succeeds and the counters count again (a login limit bites).
import { LOGIN } from '../helpers/operations';
import { mixedStep, registerAccounts } from './helpers/accounts';
import { faultDatabase } from './helpers/databases';
import { call, type Outcome } from './helpers/http';
import { isUnavailable, Load, type Phase, timeUntilOk } from './helpers/load';
import { freePort, hasRedis, startRedis } from './helpers/redis';
import { ms, record, Violations } from './helpers/results';
import { faultEnv, keepLog, startServer } from './helpers/server';
import { size, sleep } from './helpers/sizes';

const WORKERS = size('FAULTS_REDIS_WORKERS', 20, 6);
const OUTAGES = size('FAULTS_REDIS_OUTAGES', 5, 2);
const OUTAGE_MS = size('FAULTS_REDIS_OUTAGE_MS', 5000, 2000);
const CALM = size('FAULTS_REDIS_CALM_REQUESTS', 300, 60);

(hasRedis ? test : test.skip)(`Redis killed ${OUTAGES} times for ${OUTAGE_MS} ms under ${WORKERS} clients`, async () => {
  const port = await freePort();
  let redis = await startRedis(port);
  const db = await faultDatabase('sqlite');
  const server = await startServer(faultEnv(db.url, { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_LOGIN_ACCOUNT: '5/300' }));
  const v = new Violations();
  try {
    const accounts = await registerAccounts(server.url, 'redis', WORKERS + 1);
    const probe = accounts.pop()!;
    // Refresh (n % 3 === 0) is throttled: it may fail closed while Redis is away; reads and token checks may not fail.
    const acceptable = (o: Outcome, phase: Phase, n: number) => o.kind === 'ok' || (phase === 'during' && n % 3 === 0 && isUnavailable(o));
    const load = new Load(WORKERS, (w, n) => mixedStep(server.url, accounts[w], n), acceptable).start();
    const untilServed = async (phase: Phase) => {
      const start = load.byPhase[phase].get('ok');
      while (load.byPhase[phase].get('ok') - start < CALM && load.bad.length === 0) await sleep(20);
    };
    const recoveries: number[] = [];
    await untilServed('before');
    for (let i = 0; i < OUTAGES; i++) {
      load.phase = 'during';
      redis.kill('SIGKILL');
      await sleep(OUTAGE_MS);
      redis = await startRedis(port);
      recoveries.push(await timeUntilOk(() => mixedStep(server.url, probe, 0)));
      load.phase = 'after';
      await untilServed('after');
    }
    await load.stop();
    for (const b of load.bad) v.check(false, b);
    v.check(load.byPhase.during.get('ok') > 0, 'nothing worked while Redis was away');
    // The counters count again: the sixth wrong password in a row is throttled.
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const o = await call(server.url, LOGIN, { username: probe.name, password: `wrong password ${i}` });
      codes.push(o.kind === 'error' ? o.code : o.kind);
    }
    v.check(
      codes[5] === 'RATE_LIMITED' && codes.slice(0, 5).every((c) => c === 'INVALID_CREDENTIALS'),
      `login limit after Redis came back: ${codes.join(',')}`,
    );
    const unhandled = server.problems.filter((l) => /unhandled|uncaught/i.test(l));
    v.check(unhandled.length === 0, `unhandled errors in the log: ${unhandled.slice(0, 2).join(' | ')}`);
    v.check(server.child.exitCode === null, 'the server exited');
    keepLog(server, 'redis-away');
    record({
      scenario: 'Redis away',
      database: 'sqlite + redis',
      load: `${WORKERS} clients (refresh, users, verifyToken)`,
      faults: `${OUTAGES} × ${ms(OUTAGE_MS)} redis-server SIGKILL, restarted empty`,
      served: load.served(),
      errors: load.total.errors(),
      violations: v.count,
      recovery: `first throttled request ok ${ms(Math.max(...recoveries))} max after Redis is back`,
      notes: `during: ${load.byPhase.during.errors()}`,
    });
    expect(v.seen).toEqual([]);
  } finally {
    await server.stop();
    redis.kill('SIGKILL');
    await db.drop();
  }
});
