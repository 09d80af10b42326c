// Load from the test: `workers` loops, each calling `step` until stopped,
// every answer tallied by phase (before, during and after a fault), so the
// checks can ask "what did clients see while the database was away?".
import type { Outcome } from './http';
import { Tally } from './http';

export type Phase = 'before' | 'during' | 'after';

export class Load {
  phase: Phase = 'before';
  readonly byPhase: Record<Phase, Tally> = { before: new Tally(), during: new Tally(), after: new Tally() };
  readonly total = new Tally();
  /** Answers that would break a client, with the phase they came in. */
  readonly bad: string[] = [];
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly workers: number,
    private readonly step: (worker: number, n: number) => Promise<Outcome>,
    /** Which answers are acceptable in which phase (`n`: the worker's step number, as given to `step`). */
    private readonly acceptable: (o: Outcome, phase: Phase, n: number) => boolean,
  ) {}

  start(): this {
    this.loops = Array.from({ length: this.workers }, async (_, w) => {
      for (let n = 0; !this.stopping; n++) {
        const started = this.phase;
        const o = await this.step(w, n);
        // A request that overlapped a change of phase overlapped the fault.
        const phase = started === this.phase ? started : 'during';
        this.byPhase[phase].add(o);
        this.total.add(o);
        if (!this.acceptable(o, phase, n) && this.bad.length < 100) {
          this.bad.push(`${phase}: ${o.kind === 'error' ? `${o.code}${o.reason ? `/${o.reason}` : ''}` : o.kind}`);
        }
        if (o.kind !== 'ok') await new Promise((r) => setTimeout(r, 10)); // a client backs off a little
      }
    });
    return this;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  served(): number {
    return this.total.get('ok');
  }
}

export const isUnavailable = (o: Outcome) => o.kind === 'error' && o.code === 'SERVICE_UNAVAILABLE';

/** Calls `probe` until it answers ok; ms it took. */
export async function timeUntilOk(probe: () => Promise<Outcome>, pauseMs = 50): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if ((await probe()).kind === 'ok') return Date.now() - t0;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
