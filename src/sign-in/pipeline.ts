// The one place a session starts. Every way in ends here with a user whose
// first factor it proved: the throttle gives back its attempts, the hooks may
// refuse, lastLogin, the session and whatever the hooks add are written in one
// flush, and only then is the sign-in counted and logged, once. Failures of a
// way in are recorded here too, so no resolver writes metrics or log lines.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { User } from '../entities';
import { AppError } from '../errors';
import type { Metrics } from '../metrics';
import type { IssuedSession, SessionService } from '../sessions/sessions';
import type { RateLimiter } from '../throttle/rate-limiter';
import { amrOf, type SignInAttempt, type SignInHook } from './attempt';

/** How each method is counted and logged; registration and a password change are not sign-ins in the metrics or logs. */
interface MethodRecord {
  /** The log line's event and message stem; null: not logged or counted as a sign-in. */
  event: 'login' | 'social_login' | null;
  message: string;
  /** Whether the sign-in moves User.lastLogin. */
  lastLogin: boolean;
}

function recordOf(method: SignInAttempt['method']): MethodRecord {
  if (method === 'password') return { event: 'login', message: 'sign-in', lastLogin: true };
  if (method === 'code' || method === 'passkey') return { event: 'login', message: `${method} sign-in`, lastLogin: true };
  if (method.startsWith('social:')) return { event: 'social_login', message: 'social sign-in', lastLogin: true };
  return { event: null, message: '', lastLogin: false };
}

export interface PipelineDeps {
  sessions: SessionService;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  logger: Logger;
  hooks: readonly SignInHook[];
}

export class SignInPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Starts the session of a user whose first factor `attempt` proved; throws what a hook or the write throws. */
  async complete(em: EntityManager, proven: User, attempt: SignInAttempt): Promise<IssuedSession> {
    const { sessions, hooks } = this.deps;
    await this.giveBack(attempt);
    if (attempt.clears) await this.deps.rateLimiter.clear(...attempt.clears);
    // The user may come from another unit of work (social sign-in's transaction).
    const user = em.merge(proven);
    for (const hook of hooks) await hook.beforeSession?.({ em, user, attempt });
    const record = recordOf(attempt.method);
    if (record.lastLogin) user.lastLogin = new Date();
    const issued = sessions.start(em, user, attempt.client, amrOf(attempt));
    for (const hook of hooks) await hook.afterSession?.({ em, user, attempt, issued });
    await em.flush();
    this.count(attempt, record, 'success', { userId: user.id });
    return issued;
  }

  /** Records a way in that failed after its throttle check; the caller rethrows `err`. */
  async recordFailure(attempt: SignInAttempt, err: unknown): Promise<void> {
    const code = err instanceof AppError ? err.code : 'ERROR';
    // Wrong credentials used the attempt up; anything else (unverified email, a provider outage) gives it back.
    if (err instanceof AppError && code !== 'INVALID_CREDENTIALS') await this.giveBack(attempt);
    this.count(attempt, recordOf(attempt.method), 'failure', { code });
    for (const hook of this.deps.hooks) {
      await hook.onFailure?.(attempt, err).catch((hookErr: unknown) => {
        this.deps.logger.error({ hook: hook.name, err: hookErr instanceof Error ? hookErr.message : String(hookErr) }, 'sign-in failure hook failed');
      });
    }
  }

  /** Each ticket is given back at most once, whichever path gets there first. */
  private async giveBack(attempt: SignInAttempt): Promise<void> {
    const tickets = attempt.tickets?.splice(0) ?? [];
    if (tickets.length > 0) await this.deps.rateLimiter.refund(tickets);
  }

  private count(attempt: SignInAttempt, record: MethodRecord, outcome: 'success' | 'failure', fields: Record<string, unknown>): void {
    if (!record.event) return;
    this.deps.metrics.signIns.inc({ method: attempt.method, outcome });
    const line = { event: record.event, outcome, ...attempt.detail, ...fields, ip: attempt.client.ip };
    this.deps.logger.info(line, `${record.message} ${outcome === 'success' ? 'succeeded' : 'failed'}`);
  }
}
