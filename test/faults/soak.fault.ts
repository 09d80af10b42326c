// Soak: a mixed load (sign-ins, refreshes, token checks, users pages,
// registrations, and failures: wrong passwords, dead tokens) for
// FAULTS_SOAK_SECONDS. No error may come back but the expected failures and
// throttling; heap and RSS are sampled from /metrics and their slope after
// warm-up reported, with the event-loop delay p99 (prom-client's
// monitorEventLoopDelay). The slopes are figures, not asserts: they depend on
// the machine.
import { GOOD_PASSWORD } from '../helpers/fixtures';
import { LOGIN, REGISTER, USERS, VERIFY } from '../helpers/operations';
import { type Account, mixedStep, registerAccounts } from './helpers/accounts';
import { DIALECTS, faultDatabase, rowProblems } from './helpers/databases';
import { call, type Outcome } from './helpers/http';
import { Load } from './helpers/load';
import { ms, record, Violations } from './helpers/results';
import { faultEnv, keepLog, startServer } from './helpers/server';
import { size, sleep } from './helpers/sizes';

const SECONDS = size('FAULTS_SOAK_SECONDS', 600, 30);
const WORKERS = size('FAULTS_SOAK_WORKERS', 16, 4);
const SAMPLE_MS = size('FAULTS_SOAK_SAMPLE_MS', 10_000, 5_000);

interface Sample {
  t: number;
  rss: number;
  heap: number;
  lagP99: number;
}

async function sample(origin: string, t0: number): Promise<Sample | null> {
  try {
    const text = await (await fetch(`${origin}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    return {
      t: (Date.now() - t0) / 1000,
      rss: value('authql_process_resident_memory_bytes'),
      heap: value('authql_nodejs_heap_size_used_bytes'),
      lagP99: value('authql_nodejs_eventloop_lag_p99_seconds'),
    };
  } catch {
    return null;
  }
}

/** Least-squares slope of y over t, per minute. */
function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, [t]) => a + t, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [t, y]) => a + (t - mt) * (y - my), 0);
  const den = points.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}

const MB = 1024 * 1024;

describe.each(DIALECTS)('soak (%s)', (dialect) => {
  test(`${SECONDS} s of mixed load from ${WORKERS} clients: only expected errors; memory and event-loop figures`, async () => {
    const db = await faultDatabase(dialect);
    const server = await startServer(faultEnv(db.url));
    const origin = new URL(server.url).origin;
    const v = new Violations();
    try {
      const accounts: Account[] = await registerAccounts(server.url, `soak${dialect[0]}`, WORKERS);
      // Each step's kind, and the answers that kind may get.
      const expected: Record<string, Set<string>> = {
        mixed: new Set(['ok']),
        login: new Set(['ok']),
        register: new Set(['ok']),
        users: new Set(['ok']),
        wrongPassword: new Set(['INVALID_CREDENTIALS']),
        deadToken: new Set(['TOKEN_INVALID', 'UNAUTHENTICATED']),
      };
      const kindOf = (n: number) => (['mixed', 'mixed', 'mixed', 'login', 'users', 'register', 'wrongPassword', 'deadToken'] as const)[n % 8];
      const step = async (w: number, n: number): Promise<Outcome> => {
        const a = accounts[w];
        switch (kindOf(n)) {
          case 'login':
            return call(server.url, LOGIN, { username: a.name, password: GOOD_PASSWORD });
          case 'users':
            return call(server.url, USERS, { first: 20 }, { token: a.access });
          case 'register': {
            const name = `s${dialect[0]}${w}x${n}`;
            return call(server.url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
          }
          case 'wrongPassword':
            return call(server.url, LOGIN, { username: a.name, password: `not the password ${n}` });
          case 'deadToken':
            return call(server.url, VERIFY, { token: `${a.access.slice(0, -4)}AAAA` });
          default:
            return mixedStep(server.url, a, n);
        }
      };
      const acceptable = (o: Outcome, _phase: unknown, n: number) => {
        const code = o.kind === 'error' ? o.code : o.kind;
        return code === 'RATE_LIMITED' || expected[kindOf(n)].has(code);
      };
      const t0 = Date.now();
      const load = new Load(WORKERS, step, acceptable).start();
      const samples: Sample[] = [];
      while (Date.now() - t0 < SECONDS * 1000) {
        await sleep(SAMPLE_MS);
        const s = await sample(origin, t0);
        if (s) samples.push(s);
      }
      await load.stop();
      for (const b of load.bad) v.check(false, b);
      v.check(server.child.exitCode === null, 'the server exited');
      for (const p of await rowProblems(db)) v.check(false, p);
      keepLog(server, `soak-${dialect}`);
      // Warm-up: the first fifth of the run.
      const steady = samples.filter((s) => s.t >= SECONDS / 5);
      const rssSlope = slopePerMinute(steady.map((s) => [s.t, s.rss / MB]));
      const heapSlope = slopePerMinute(steady.map((s) => [s.t, s.heap / MB]));
      const lag = Math.max(...samples.map((s) => s.lagP99 * 1000).filter(Number.isFinite));
      const last = samples.at(-1);
      record({
        scenario: 'soak',
        database: dialect,
        load: `${WORKERS} clients × ${SECONDS} s (sign-in, refresh, verify, users, register, wrong password, dead token)`,
        faults: 'none (time)',
        served: load.served(),
        errors: load.total.errors(),
        violations: v.count,
        recovery: `RSS ${last ? (last.rss / MB).toFixed(0) : '?'} MB (${rssSlope.toFixed(2)} MB/min), heap ${last ? (last.heap / MB).toFixed(0) : '?'} MB (${heapSlope.toFixed(2)} MB/min) after warm-up; event-loop p99 ${ms(lag)} max`,
      });
      expect(v.seen).toEqual([]);
    } finally {
      await server.stop();
      await db.drop();
    }
  }, 3_600_000);
});
