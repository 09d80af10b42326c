// What a test can measure about the work a request did without trusting the
// wall clock of a shared machine: the server's own counters, and timing
// ratios of minimums (load only ever adds time, so the fastest of several
// tries is the stable figure; a median moves with whatever else runs).
import type { TestServer } from './server';

/** Password hashes the server has computed so far (checks, new hashes, dummy work), from its own metrics. */
export async function hashesSoFar(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.app.origin}/metrics`)).text();
  return [...text.matchAll(/^authql_password_hashes_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** Nanoseconds one call takes. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t);
}

export const minimum = (xs: readonly number[]): number => Math.min(...xs);
