// Soak: a mixed load (helpers/soak.ts: sign-ins, refreshes, token checks,
// users pages, registrations, and failures: wrong passwords, dead tokens)
// for FAULTS_SOAK_SECONDS. No error may come back but the expected failures
// and throttling; heap and RSS are sampled from /metrics and their slope
// after warm-up reported, with the event-loop delay p99 (prom-client's
// monitorEventLoopDelay). The slopes are figures, not asserts: they depend
// on the machine.
import { type Account, registerAccounts } from './helpers/accounts';
import { DIALECTS, faultDatabase, rowProblems } from './helpers/databases';
import { Load } from './helpers/load';
import { record, Violations } from './helpers/results';
import { faultEnv, keepLog, startServer } from './helpers/server';
import { sleep } from './helpers/sizes';
import { memoryFigures, type Sample, SOAK_LOAD, SOAK_SAMPLE_MS, SOAK_SECONDS, SOAK_WORKERS, sample, soakAcceptable, soakStep, worstLag } from './helpers/soak';

describe.each(DIALECTS)('soak (%s)', (dialect) => {
  test(`${SOAK_SECONDS} s of mixed load from ${SOAK_WORKERS} clients: only expected errors; memory and event-loop figures`, async () => {
    const db = await faultDatabase(dialect);
    const server = await startServer(faultEnv(db.url));
    const origin = new URL(server.url).origin;
    const v = new Violations();
    try {
      const accounts: Account[] = await registerAccounts(server.url, `soak${dialect[0]}`, SOAK_WORKERS);
      const t0 = Date.now();
      const load = new Load(SOAK_WORKERS, soakStep(server.url, accounts, `s${dialect[0]}`), (o, _phase, n) => soakAcceptable(o, n)).start();
      const samples: Sample[] = [];
      while (Date.now() - t0 < SOAK_SECONDS * 1000) {
        await sleep(SOAK_SAMPLE_MS);
        const s = await sample(origin, t0);
        if (s) samples.push(s);
      }
      await load.stop();
      for (const b of load.bad) v.check(false, b);
      v.check(server.child.exitCode === null, 'the server exited');
      for (const p of await rowProblems(db)) v.check(false, p);
      keepLog(server, `soak-${dialect}`);
      record({
        scenario: 'soak',
        database: dialect,
        load: `${SOAK_WORKERS} clients × ${SOAK_SECONDS} s (${SOAK_LOAD})`,
        faults: 'none (time)',
        served: load.served(),
        errors: load.total.errors(),
        violations: v.count,
        // Warm-up: the first fifth of the run.
        recovery: `${memoryFigures(samples, SOAK_SECONDS / 5)} after warm-up; event-loop p99 ${worstLag(samples)} max`,
      });
      expect(v.seen).toEqual([]);
    } finally {
      await server.stop();
      await db.drop();
    }
  }, 3_600_000);
});
