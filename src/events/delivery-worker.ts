// The background worker of every replica: every WEBHOOK_POLL_INTERVAL ms it
// claims due deliveries (claim.ts), sends each (sender.ts) and writes the
// outcome. Success: delivered. Failure: the next try after a backoff, or dead
// when the retry window is used up; the endpoint counts failures in a row and
// is marked failing at FAILING_AFTER (cleared by the next success). It starts
// with createApp and stop() waits for the attempts in flight.
import { raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import { WebhookDelivery, WebhookEndpoint } from '../entities';
import { nextAttempt } from './backoff';
import { claimDue } from './claim';
import { type AttemptResult, send } from './sender';
import { signedHeaders } from './signature';
import type { WebhookSecrets } from './webhook-secrets';

const BATCH = 20;
export const FAILING_AFTER = 5;

export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly cfg: Config['webhooks'],
    private readonly secrets: WebhookSecrets,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.cfg.pollInterval === 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), this.cfg.pollInterval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: claim, send, record; resolves with how many were attempted. */
  async runOnce(): Promise<number> {
    const em = this.orm.em.fork() as SqlEntityManager;
    // Longer than any attempt can take, so a live worker never loses its claim; short enough that a killed one's rows come back soon.
    const leaseMs = this.cfg.timeout * 2000 + 5000;
    const ids = await claimDue(em, BATCH, leaseMs);
    if (ids.length === 0) return 0;
    const rows = await em.find(WebhookDelivery, { id: { $in: ids } }, { populate: ['event', 'endpoint'] });
    await Promise.all(rows.map((row) => this.attempt(em.fork(), row)));
    return rows.length;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Drain a backlog in one tick rather than one batch per interval.
      while (!this.stopped && (await this.runOnce()) === BATCH);
    })()
      .catch((err: unknown) => this.logger.warn({ event: 'webhook', err: err instanceof Error ? err.message : String(err) }, 'webhook pass failed; will retry'))
      .finally(() => (this.running = undefined));
  }

  private async attempt(em: SqlEntityManager, row: WebhookDelivery): Promise<void> {
    const secret = await this.secrets.secretOf(em, row.endpoint.id);
    const at = new Date();
    const result = secret
      ? await send(row.endpoint.url, row.event.body, signedHeaders(secret, row.event.id, row.event.body, at), {
          timeoutMs: this.cfg.timeout * 1000,
          allowPrivate: this.cfg.allowPrivate,
        })
      : ({ ok: false, status: null, error: 'signing secret unreadable (was ENCRYPTION_KEY changed?)' } as const);
    await this.record(em, row, result, new Date());
  }

  private async record(em: SqlEntityManager, row: WebhookDelivery, result: AttemptResult, now: Date): Promise<void> {
    const attempts = row.attempts + 1;
    const base = { attempts, claimedUntil: null, lastStatusCode: result.status, lastError: result.ok ? null : result.error.slice(0, 300) };
    const endpoint = row.endpoint.id;
    await em.transactional(async (tx) => {
      if (result.ok) {
        await tx.nativeUpdate(WebhookDelivery, { id: row.id, status: 'pending' }, { ...base, status: 'delivered', deliveredAt: now });
        await tx.nativeUpdate(WebhookEndpoint, { id: endpoint }, { consecutiveFailures: 0, failing: false });
        return;
      }
      const next = nextAttempt(attempts, row.createdAt, now, { baseMs: this.cfg.retryBase, windowMs: this.cfg.retryWindow * 1000 });
      await tx.nativeUpdate(WebhookDelivery, { id: row.id, status: 'pending' }, next ? { ...base, nextAttemptAt: next } : { ...base, status: 'dead' });
      await tx.nativeUpdate(WebhookEndpoint, { id: endpoint }, { consecutiveFailures: raw('consecutive_failures + 1') });
      await tx.nativeUpdate(WebhookEndpoint, { id: endpoint, consecutiveFailures: { $gte: FAILING_AFTER } }, { failing: true });
    });
    const fields = { event: 'webhook', deliveryId: row.id, endpointId: endpoint, type: row.event.type, attempts };
    if (result.ok) this.logger.info({ ...fields, status: result.status }, 'webhook delivered');
    else this.logger.warn({ ...fields, status: result.status, reason: result.error }, 'webhook attempt failed');
  }
}
