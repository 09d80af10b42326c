// Purging what can never be used again: sessions that ended (expired or
// revoked) with their refresh tokens, and one-time tokens that were used or
// expired, and second-factor challenges that were used or expired, each kept
// CLEANUP_RETENTION seconds after it ended. A live
// session keeps every token it ever rotated, because reuse detection must
// recognise an old one for as long as the session could be stolen.
// The server sweeps every CLEANUP_INTERVAL seconds; `manage cleanup` runs
// one sweep. Deleting is idempotent, so replicas sweeping at once is harmless.
// The same sweep drops audit rows older than AUDIT_RETENTION_DAYS and, after
// as long, finished webhook deliveries and the events none is left for.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { AuditEvent, OneTimeToken, RefreshToken, SecondFactorChallenge, Session, WebAuthnChallenge, WebhookDelivery, WebhookEvent } from '../entities';

export interface PurgeCounts {
  sessions: number;
  refreshTokens: number;
  oneTimeTokens: number;
  secondFactorChallenges: number;
  webauthnChallenges: number;
  auditEvents: number;
  webhookEvents: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Sessions per transaction, so a large backlog never holds a long lock. */
const BATCH = 500;

export async function purgeEnded(em: EntityManager, retentionSeconds: number, auditRetentionDays: number, now = new Date()): Promise<PurgeCounts> {
  const endedBefore = new Date(now.getTime() - retentionSeconds * 1000);
  const counts: PurgeCounts = {
    sessions: 0,
    refreshTokens: 0,
    oneTimeTokens: 0,
    secondFactorChallenges: 0,
    webauthnChallenges: 0,
    auditEvents: 0,
    webhookEvents: 0,
  };
  for (;;) {
    const fork = em.fork();
    const ended = await fork.find(
      Session,
      { $or: [{ expiresAt: { $lt: endedBefore } }, { revokedAt: { $lt: endedBefore } }] },
      { fields: ['id'], limit: BATCH },
    );
    const ids = ended.map((s) => s.id);
    if (ids.length > 0) {
      await fork.transactional(async (tx) => {
        counts.refreshTokens += await tx.nativeDelete(RefreshToken, { session: { $in: ids } });
        counts.sessions += await tx.nativeDelete(Session, { id: { $in: ids } });
      });
    }
    if (ids.length < BATCH) break;
  }
  counts.oneTimeTokens = await em.fork().nativeDelete(OneTimeToken, { $or: [{ expiresAt: { $lt: endedBefore } }, { usedAt: { $lt: endedBefore } }] });
  counts.secondFactorChallenges = await em
    .fork()
    .nativeDelete(SecondFactorChallenge, { $or: [{ expiresAt: { $lt: endedBefore } }, { usedAt: { $lt: endedBefore } }] });
  // A used WebAuthn challenge is deleted as it is used; an expired one is worthless at once, so no retention.
  counts.webauthnChallenges = await em.fork().nativeDelete(WebAuthnChallenge, { expiresAt: { $lt: now } });
  const auditBefore = new Date(now.getTime() - auditRetentionDays * DAY_MS);
  counts.auditEvents = await em.fork().nativeDelete(AuditEvent, { at: { $lt: auditBefore } });
  // An event still on its way somewhere stays; its finished deliveries go with it (cascade).
  const pending = await em.fork().find(WebhookDelivery, { status: 'pending', event: { createdAt: { $lt: auditBefore } } }, { fields: ['event'] });
  const keep = [...new Set(pending.map((d) => d.event.id))];
  counts.webhookEvents = await em.fork().nativeDelete(WebhookEvent, { createdAt: { $lt: auditBefore }, ...(keep.length > 0 ? { id: { $nin: keep } } : {}) });
  return counts;
}

export const describePurge = (c: PurgeCounts): string =>
  `Removed ${c.sessions} ended sessions (with ${c.refreshTokens} refresh tokens) and ${c.oneTimeTokens} used or expired one-time tokens. ` +
  `Removed ${c.secondFactorChallenges} used or expired second-factor challenges` +
  `${c.webauthnChallenges > 0 ? ` and ${c.webauthnChallenges} expired WebAuthn challenges` : ''}. ` +
  `Past retention: ${c.auditEvents} audit rows, ${c.webhookEvents} webhook events.`;

/** The periodic sweep: started by createApp, stopped (and waited for) by app.stop(). */
export class Sweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly orm: Orm,
    private readonly cfg: Config['cleanup'],
    private readonly logger: Logger,
    private readonly auditRetentionDays: number,
  ) {}

  start(): void {
    if (this.cfg.interval === 0 || this.timer) return;
    this.timer = setInterval(() => this.sweep(), this.cfg.interval * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private sweep(): void {
    if (this.running) return; // a slow sweep is never overlapped by the next
    this.running = purgeEnded(this.orm.em.fork(), this.cfg.retention, this.auditRetentionDays)
      .then((counts) => {
        if (counts.sessions + counts.oneTimeTokens + counts.secondFactorChallenges + counts.webauthnChallenges + counts.auditEvents + counts.webhookEvents > 0)
          this.logger.info({ event: 'cleanup', ...counts }, describePurge(counts));
      })
      .catch((err: unknown) =>
        this.logger.warn({ event: 'cleanup', err: err instanceof Error ? err.message : String(err) }, 'cleanup sweep failed; will retry'),
      )
      .finally(() => (this.running = undefined));
  }
}
