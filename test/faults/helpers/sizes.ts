// Every size of the faults suite comes from an env var, so the same
// scenarios run CI-sized (FAULTS_PROFILE=ci, a few minutes in .ci/run) and
// full-sized (`npm run test:faults`, for the README's figures).
export const PROFILE = process.env.FAULTS_PROFILE === 'ci' ? 'ci' : 'full';

/** The env var `name` if set, else the full-size or the CI-size default. */
export function size(name: string, full: number, ci: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: a non-negative number, please`);
    return n;
  }
  return PROFILE === 'ci' ? ci : full;
}

/**
 * How long one request may take before the client gives up and counts it
 * as a hang. Generous, because the machine may be busy: it only catches a
 * request that never answers, it never measures speed.
 */
export const REQUEST_DEADLINE_MS = size('FAULTS_REQUEST_DEADLINE_MS', 30_000, 30_000);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const randomBetween = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
