// When a failed delivery is tried again: exponential from WEBHOOK_RETRY_BASE,
// capped at six hours, with "equal jitter" (half fixed, half random) so that
// many deliveries failing together do not retry in lockstep. A delivery gives
// up (dead) once its next try would fall beyond the retry window, which is at
// least 24 hours by default.
const CAP_MS = 6 * 60 * 60 * 1000;

export function retryDelayMs(failures: number, baseMs: number, random = Math.random): number {
  const exp = Math.min(CAP_MS, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** The time of the next try, or null when the window is used up. */
export function nextAttempt(failures: number, firstQueued: Date, now: Date, opts: { baseMs: number; windowMs: number }): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(failures, opts.baseMs));
  return next.getTime() - firstQueued.getTime() > opts.windowMs ? null : next;
}
