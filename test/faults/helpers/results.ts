// Each scenario adds one row for the summary table that
// scripts/test-faults.js prints at the end (and the README's Reliability
// table is pasted from): a JSON line per row in FAULTS_RESULTS.
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ResultRow {
  scenario: string;
  database: string;
  load: string;
  faults: string;
  served: number;
  errors: string;
  violations: number;
  recovery: string;
  notes?: string;
}

export const RESULTS_FILE = process.env.FAULTS_RESULTS || join(tmpdir(), 'authql-faults.jsonl');

export function record(row: ResultRow): void {
  appendFileSync(RESULTS_FILE, `${JSON.stringify(row)}\n`);
  console.log(`faults: ${JSON.stringify(row)}`);
}

/** Invariant checks: each failure is kept with what it saw, and the count goes in the table. */
export class Violations {
  readonly seen: string[] = [];
  check(ok: boolean, what: string): void {
    if (!ok) this.seen.push(what);
  }
  get count(): number {
    return this.seen.length;
  }
}

export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
