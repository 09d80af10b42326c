// The one concurrency gate every password hash passes, native argon2id or an
// imported Django hash alike: each holds a libuv pool thread (and argon2 its
// memory) while it runs, so beyond a few at once they only queue on the pool,
// where the database's own work would then wait behind them.
import type { Metrics } from '../metrics';

export type HashScheme = 'argon2' | 'pbkdf2' | 'bcrypt';

/** A counting semaphore: at most `size` tasks run at once, the others wait in order. */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly metrics?: Metrics,
  ) {
    metrics?.passwordHashSlots.set(size);
  }

  async run<T>(scheme: HashScheme, task: () => Promise<T>): Promise<T> {
    const queuedAt = process.hrtime.bigint();
    if (this.running < this.size) this.running++;
    else {
      this.metrics?.passwordHashWaiting.inc();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.metrics?.passwordHashWaiting.dec();
    }
    this.metrics?.passwordHashWait.observe(Number(process.hrtime.bigint() - queuedAt) / 1e9);
    this.metrics?.passwordHashes.inc({ scheme });
    this.metrics?.passwordHashActive.inc();
    try {
      return await task();
    } finally {
      this.metrics?.passwordHashActive.dec();
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next task
      else this.running--;
    }
  }
}
