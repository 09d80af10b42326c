// Soak across replicas: the soak's mixed load (helpers/soak.ts) through the
// round-robin proxy over FAULTS_REPLICAS replicas on one PostgreSQL and one
// Redis (helpers/replicas.ts), for FAULTS_SOAK_SECONDS, with a replica
// SIGKILLed and restarted FAULTS_REPLICAS_SOAK_KILLS times along the way.
// No answer but the expected ones and throttling; a network error (no
// answer) only for a request in flight at a kill, after which the client
// carries on with what it holds; no session lost or ended by reuse
// detection. Memory slopes per replica process and the event-loop p99 are
// reported, as in the single-server soak.
import { REFRESH } from '../helpers/operations';
import { registerAccounts } from './helpers/accounts';
import { DIALECTS, rowProblems } from './helpers/databases';
import { call } from './helpers/http';
import { Load } from './helpers/load';
import { hasRedis } from './helpers/redis';
import { startFleet } from './helpers/replicas';
import { ms, record, Violations } from './helpers/results';
import { size, sleep } from './helpers/sizes';
import { memoryFigures, type Sample, SOAK_LOAD, SOAK_SAMPLE_MS, SOAK_SECONDS, SOAK_WORKERS, sample, soakAcceptable, soakStep, worstLag } from './helpers/soak';

const REPLICAS = size('FAULTS_REPLICAS', 3, 3);
const KILLS = size('FAULTS_REPLICAS_SOAK_KILLS', 2, 1);

/** One replica process's samples: `since` is when it started, in seconds of the run. */
interface Series {
  replica: number;
  since: number;
  samples: Sample[];
}

const run = hasRedis && DIALECTS.includes('postgresql') ? test : test.skip;

run(
  `soak across ${REPLICAS} replicas on PostgreSQL + Redis: ${SOAK_SECONDS} s of mixed load from ${SOAK_WORKERS} clients, ${KILLS} replica kills`,
  async () => {
    const fleet = await startFleet(REPLICAS);
    const { replicas, db } = fleet;
    const v = new Violations();
    try {
      const accounts = await registerAccounts(fleet.url, 'rsoak', SOAK_WORKERS);
      const load = new Load(
        SOAK_WORKERS,
        soakStep(fleet.url, accounts, 'rs'),
        (o, phase, n) => soakAcceptable(o, n) || (phase === 'during' && o.kind === 'network'),
      );
      const t0 = Date.now();
      const elapsed = () => (Date.now() - t0) / 1000;
      load.start();
      const series = new Map<string, Series>(); // by the process's origin (a restart listens on a new port)
      const restarts: number[] = [];
      const startedAt = new Map<number, number>(); // replica → when its current process started (s)
      while (elapsed() < SOAK_SECONDS) {
        await sleep(SOAK_SAMPLE_MS);
        for (const [i, r] of replicas.entries()) {
          if (!r.server) continue;
          const origin = new URL(r.server.url).origin;
          if (!series.has(origin)) series.set(origin, { replica: i, since: startedAt.get(i) ?? 0, samples: [] });
          const s = await sample(origin, t0);
          if (s) series.get(origin)?.samples.push(s);
        }
        // Kills spread over the run, the last stretch left for the restarted one to serve; each of the next replica in turn.
        if (restarts.length < KILLS && elapsed() >= (SOAK_SECONDS * (restarts.length + 1)) / (KILLS + 2)) {
          const victim = replicas[restarts.length % replicas.length];
          load.phase = 'during';
          await victim.kill();
          restarts.push((await victim.start()).startMs);
          startedAt.set(replicas.indexOf(victim), elapsed());
          load.phase = 'after';
        }
      }
      await load.stop();
      for (const b of load.bad) v.check(false, b);
      // No session lost: every client's last pair still refreshes, and nothing was ended by reuse detection.
      for (const a of accounts) {
        const o = await call(fleet.url, REFRESH, { refreshToken: a.refresh });
        v.check(o.kind === 'ok', `${a.name}: final refresh: ${o.kind === 'error' ? o.code : o.kind}`);
      }
      const ended = Number((await db.query('select count(*) as n from sessions where revoked_at is not null'))[0].n);
      v.check(ended === 0, `${ended} sessions ended by reuse detection`);
      for (const p of await rowProblems(db)) v.check(false, p);
      for (const [i, r] of replicas.entries()) v.check(r.server?.child.exitCode === null, `replica ${i} exited`);
      // Warm-up: the first fifth of the run, counted from each process's start.
      const figures = [...series.values()]
        .filter((s) => s.samples.length > 0)
        .map(
          (s) =>
            `replica ${s.replica + 1}${s.since ? ` (restarted at ${Math.round(s.since)} s)` : ''}: ${memoryFigures(s.samples, s.since + SOAK_SECONDS / 5)}`,
        );
      const all = [...series.values()].flatMap((s) => s.samples);
      record({
        scenario: 'soak across replicas',
        database: 'postgresql + redis',
        load: `${SOAK_WORKERS} clients × ${SOAK_SECONDS} s (${SOAK_LOAD}) through a round-robin proxy over ${REPLICAS} replicas`,
        faults: restarts.length ? `${restarts.length} replica SIGKILL mid-soak` : 'none (time)',
        served: load.served(),
        errors: load.total.errors(),
        violations: v.count,
        recovery: `${restarts.length ? `replica restart ${ms(Math.max(...restarts))} max; ` : ''}after warm-up: ${figures.join('; ')}; event-loop p99 ${worstLag(all)} max`,
      });
      expect(v.seen).toEqual([]);
    } finally {
      await fleet.close();
    }
  },
  3_600_000,
);
