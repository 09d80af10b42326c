// Counters for rate limiting: fixed windows that expire on their own. In
// memory for one process; in Redis (REDIS_URL) so that every replica counts
// against the same limits.
import type Redis from 'ioredis';

export interface Hit {
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

export interface RateLimitStore {
  /** Adds one attempt to `key`'s window (started by the first attempt) and returns the new count. */
  hit(key: string, windowSec: number): Promise<Hit>;
  /** Takes one attempt back (a sign-in that succeeded). */
  refund(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export class MemoryStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweeps = 0;

  async hit(key: string, windowSec: number): Promise<Hit> {
    const now = Date.now();
    if (++this.sweeps % 1000 === 0) this.sweep(now); // bounded memory without a timer
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + windowSec * 1000 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, resetMs: w.endsAt - now };
  }

  async refund(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count -= 1;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
  }
}

// INCR and set the expiry on the first hit, atomically: a crash between the
// two can never leave a counter that lives forever.
const HIT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

const REFUND_SCRIPT = `
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

export class RedisStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowSec: number): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, String(windowSec * 1000))) as [number, number];
    return { count, resetMs: ttl };
  }

  async refund(key: string): Promise<void> {
    await this.redis.eval(REFUND_SCRIPT, 1, this.prefix + key);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
