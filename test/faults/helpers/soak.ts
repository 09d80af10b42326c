// The soak's pieces, shared by the single-server soak and the soak across
// replicas: the mixed load (sign-ins, refreshes, token checks, users pages,
// registrations, and failures: wrong passwords, dead tokens) with the
// answers each step may get, and the memory and event-loop figures sampled
// from a server's /metrics.
import { GOOD_PASSWORD } from '../../helpers/fixtures';
import { LOGIN, REGISTER, USERS, VERIFY } from '../../helpers/operations';
import { type Account, mixedStep } from './accounts';
import { call, type Outcome } from './http';
import { ms } from './results';
import { size } from './sizes';

export const SOAK_SECONDS = size('FAULTS_SOAK_SECONDS', 600, 30);
export const SOAK_WORKERS = size('FAULTS_SOAK_WORKERS', 16, 4);
export const SOAK_SAMPLE_MS = size('FAULTS_SOAK_SAMPLE_MS', 10_000, 5_000);

export const SOAK_LOAD = 'sign-in, refresh, verify, users, register, wrong password, dead token';

// Each step's kind, and the answers that kind may get (and RATE_LIMITED, always).
const EXPECTED: Record<string, Set<string>> = {
  mixed: new Set(['ok']),
  login: new Set(['ok']),
  register: new Set(['ok']),
  users: new Set(['ok']),
  wrongPassword: new Set(['INVALID_CREDENTIALS']),
  deadToken: new Set(['TOKEN_INVALID', 'UNAUTHENTICATED']),
};
const kindOf = (n: number) => (['mixed', 'mixed', 'mixed', 'login', 'users', 'register', 'wrongPassword', 'deadToken'] as const)[n % 8];

/** Step `n` of client `w` against `url`; registrations are named from `prefix`. */
export function soakStep(url: string, accounts: Account[], prefix: string) {
  return async (w: number, n: number): Promise<Outcome> => {
    const a = accounts[w];
    switch (kindOf(n)) {
      case 'login':
        return call(url, LOGIN, { username: a.name, password: GOOD_PASSWORD });
      case 'users':
        return call(url, USERS, { first: 20 }, { token: a.access });
      case 'register': {
        const name = `${prefix}${w}x${n}`;
        return call(url, REGISTER, { input: { username: name, email: `${name}@example.test`, password: GOOD_PASSWORD } });
      }
      case 'wrongPassword':
        return call(url, LOGIN, { username: a.name, password: `not the password ${n}` });
      case 'deadToken':
        return call(url, VERIFY, { token: `${a.access.slice(0, -4)}AAAA` });
      default:
        return mixedStep(url, a, n);
    }
  };
}

/** Whether step `n` may get the answer `o`. */
export function soakAcceptable(o: Outcome, n: number): boolean {
  const code = o.kind === 'error' ? o.code : o.kind;
  return code === 'RATE_LIMITED' || EXPECTED[kindOf(n)].has(code);
}

export interface Sample {
  /** Seconds since the load began. */
  t: number;
  rss: number;
  heap: number;
  lagP99: number;
}

export async function sample(origin: string, t0: number): Promise<Sample | null> {
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

/** Least-squares slope of y over t, per minute (NaN under two points). */
function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((a, [t]) => a + t, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [t, y]) => a + (t - mt) * (y - my), 0);
  const den = points.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}

const MB = 1024 * 1024;

/** One process's samples as "RSS … MB (… MB/min), heap … MB (… MB/min)": the slopes over the samples from `steadyFrom` (s) on. */
export function memoryFigures(samples: Sample[], steadyFrom: number): string {
  const steady = samples.filter((s) => s.t >= steadyFrom);
  const rssSlope = slopePerMinute(steady.map((s) => [s.t, s.rss / MB]));
  const heapSlope = slopePerMinute(steady.map((s) => [s.t, s.heap / MB]));
  const last = samples.at(-1);
  const slope = (x: number) => (Number.isNaN(x) ? 'slope n/a: too few samples' : `${x.toFixed(2)} MB/min`);
  return `RSS ${last ? (last.rss / MB).toFixed(0) : '?'} MB (${slope(rssSlope)}), heap ${last ? (last.heap / MB).toFixed(0) : '?'} MB (${slope(heapSlope)})`;
}

/** The worst event-loop delay p99 seen, e.g. "99 ms". */
export const worstLag = (samples: Sample[]) => ms(Math.max(...samples.map((s) => s.lagP99 * 1000).filter(Number.isFinite)));
