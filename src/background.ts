// Work done after the answer is sent (mail, reset-token issuing). Tracked so
// shutdown can wait for it, and isolated so a failure is logged, never thrown
// at a client.
import type { Logger } from 'pino';

export class BackgroundTasks {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, task: () => Promise<void>): void {
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((err: unknown) => this.logger.error({ task: name, err: err instanceof Error ? err.message : String(err) }, 'background task failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every task started so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
