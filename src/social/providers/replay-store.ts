// Remembers which ID tokens were already used, until they expire, so a token
// that leaked (a log, a proxy, a malicious app it was shown to) signs in at
// most once. The interface is one call so that a shared store (Redis
// `SET key 1 NX PXAT expiry`) can replace the in-memory one when authql runs
// as several processes; the memory store only protects one process.

export interface ReplayStore {
  /** True the first time `key` is claimed before `expiresAt` (ms since the epoch); false on every later claim. */
  claim(key: string, expiresAt: number): Promise<boolean>;
}

/** Sweeps expired entries at most this often, so the map holds only live tokens. */
const SWEEP_EVERY_MS = 60_000;

export class MemoryReplayStore implements ReplayStore {
  private readonly used = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const seenUntil = this.used.get(key);
    if (seenUntil !== undefined && seenUntil > now) return false;
    this.used.set(key, expiresAt);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.used) if (until <= now) this.used.delete(key);
    this.nextSweep = now + SWEEP_EVERY_MS;
  }
}

/** Shared by every replica through Redis: `SET … NX PXAT` claims atomically and expires with the token. */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: import('ioredis').default,
    private readonly prefix: string,
  ) {}

  async claim(key: string, expiresAt: number): Promise<boolean> {
    const ok = await this.redis.set(`${this.prefix}id-token-used:${key}`, '1', 'PXAT', Math.max(expiresAt, Date.now() + 1000), 'NX');
    return ok === 'OK';
  }
}
