// Throttling of sign-in and other abusable operations. Every attempt counts
// (a hundred aliased `login` fields are a hundred attempts) and the check
// happens before any password hashing, so a flood costs us almost nothing.
// Successful sign-ins are refunded: only failures use up the allowance.
import type { Config, RateRule } from '../config/types';
import { AppError, rateLimited } from '../errors';
import type { Metrics } from '../metrics';
import type { RateLimitStore } from './stores';

export type RuleName = keyof Config['rateLimits'];

export interface Ticket {
  rule: RuleName;
  key: string;
}

export class RateLimiter {
  constructor(
    private readonly rules: Config['rateLimits'],
    private readonly store: RateLimitStore,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Counts one attempt under each (rule, key) pair in order; throws
   * RATE_LIMITED at the first that is over its limit. The returned tickets
   * can be refunded when the attempt turns out to be legitimate.
   */
  async consume(...checks: Array<[RuleName, string]>): Promise<Ticket[]> {
    const tickets: Ticket[] = [];
    for (const [rule, subject] of checks) {
      const limit: RateRule | null = this.rules[rule];
      if (!limit) continue;
      const key = `${rule}:${subject}`;
      const { count, resetMs } = await this.store.hit(key, limit.window);
      if (count > limit.limit) {
        this.metrics.rateLimited.inc({ rule });
        throw rateLimited(Math.max(1, Math.ceil(resetMs / 1000)));
      }
      tickets.push({ rule, key });
    }
    return tickets;
  }

  /** Counts one under (rule, key) like consume, but answers false instead of throwing: for limits a caller must not reveal. */
  async allow(rule: RuleName, subject: string): Promise<boolean> {
    try {
      await this.consume([rule, subject]);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'RATE_LIMITED') return false;
      throw err;
    }
  }

  async refund(tickets: Ticket[]): Promise<void> {
    await Promise.all(tickets.map((t) => this.store.refund(t.key)));
  }

  /** A successful sign-in clears the account's failures, as allauth does. */
  async clear(rule: RuleName, subject: string): Promise<void> {
    if (this.rules[rule]) await this.store.reset(`${rule}:${subject}`);
  }
}
