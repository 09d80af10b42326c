// Managing webhook endpoints (superusers over GraphQL, and the CLI): create
// shows the signing secret once; every change is audited in the same flush.
// Redelivery queues the same event (same webhook-id) to the endpoint again.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../audit/audit-log';
import { type User, WebhookDelivery, WebhookEndpoint } from '../entities';
import { badInput } from '../errors';
import { isEventType } from './catalogue';
import { ALL_EVENTS } from './outbox';
import { newSigningSecret } from './signature';
import { type TargetPolicy, targetProblem } from './target-guard';
import type { WebhookSecrets } from './webhook-secrets';

export interface WebhookFields {
  url?: string | null;
  events?: string[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

/** Who asks: a superuser, or the CLI (null). */
export type WebhookActor = User | null;

export class WebhookAdmin {
  constructor(
    private readonly secrets: WebhookSecrets,
    private readonly audit: AuditLog,
    private readonly policy: TargetPolicy,
  ) {}

  list(em: EntityManager): Promise<WebhookEndpoint[]> {
    return em.find(WebhookEndpoint, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** The newest deliveries of one endpoint. */
  deliveries(em: EntityManager, endpointId: string, first: number): Promise<WebhookDelivery[]> {
    return em.find(WebhookDelivery, { endpoint: endpointId }, { orderBy: { id: 'desc' }, limit: Math.min(Math.max(first, 1), 100), populate: ['event'] });
  }

  async create(
    em: EntityManager,
    actor: WebhookActor,
    input: WebhookFields & { url: string; events: string[] },
  ): Promise<{ webhook: WebhookEndpoint; secret: string }> {
    this.check(input);
    const id = `wh_${randomBytes(12).toString('base64url')}`;
    const secret = newSigningSecret();
    const webhook = em.create(WebhookEndpoint, {
      id,
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      secretSealed: this.secrets.seal(id, secret),
    });
    this.audit.record(em, {
      action: 'webhook.created',
      ...this.by(actor),
      target: `webhook:${id}`,
      detail: { url: withoutQuery(input.url), events: webhook.events },
    });
    await em.flush();
    return { webhook, secret };
  }

  async update(em: EntityManager, actor: WebhookActor, id: string, input: WebhookFields): Promise<WebhookEndpoint> {
    const webhook = await this.find(em, id);
    this.check(input);
    const fields = Object.keys(input).filter((k) => input[k as keyof WebhookFields] != null);
    if (input.url != null) webhook.url = input.url;
    if (input.events != null) webhook.events = [...new Set(input.events)];
    if (input.description != null) webhook.description = input.description;
    if (input.enabled != null) webhook.enabled = input.enabled;
    this.audit.record(em, { action: 'webhook.updated', ...this.by(actor), target: `webhook:${id}`, detail: { fields } });
    await em.flush();
    return webhook;
  }

  /** False when there is no such endpoint. Its deliveries go with it. */
  async delete(em: EntityManager, actor: WebhookActor, id: string): Promise<boolean> {
    const webhook = await em.findOne(WebhookEndpoint, { id });
    if (!webhook) return false;
    em.remove(webhook);
    this.audit.record(em, { action: 'webhook.deleted', ...this.by(actor), target: `webhook:${id}`, detail: { url: withoutQuery(webhook.url) } });
    await em.flush();
    return true;
  }

  /** Queues the delivery's event to its endpoint again, due now; the new delivery. */
  async redeliver(em: EntityManager, actor: WebhookActor, deliveryId: string): Promise<WebhookDelivery> {
    const old = /^\d{1,15}$/.test(deliveryId) ? await em.findOne(WebhookDelivery, Number(deliveryId), { populate: ['event'] }) : null;
    if (!old) throw badInput('deliveryId', 'No delivery with that id.');
    const fresh = em.create(WebhookDelivery, { event: old.event, endpoint: old.endpoint, nextAttemptAt: new Date() });
    this.audit.record(em, { action: 'webhook.redelivered', ...this.by(actor), target: `webhook:${old.endpoint.id}`, detail: { deliveryId: String(old.id) } });
    await em.flush();
    return fresh;
  }

  private by(actor: WebhookActor) {
    return actor ? { actor, userId: null } : { userId: null };
  }

  private async find(em: EntityManager, id: string): Promise<WebhookEndpoint> {
    const webhook = await em.findOne(WebhookEndpoint, { id });
    if (!webhook) throw badInput('id', 'No webhook with that id.');
    return webhook;
  }

  private check(input: WebhookFields): void {
    if (input.url != null) {
      const problem = targetProblem(input.url, this.policy);
      if (problem) throw badInput('url', problem);
    }
    if (input.events != null) {
      if (input.events.length === 0) throw badInput('events', 'Name at least one event (or * for all).');
      const unknown = input.events.find((e) => e !== ALL_EVENTS && !isEventType(e));
      if (unknown) throw badInput('events', `Unknown event "${unknown}".`);
    }
    if (input.description != null && input.description.length > 200) throw badInput('description', 'At most 200 characters.');
  }
}

/** A receiver may put a token in its URL's query: the audit row keeps the origin and path only. */
function withoutQuery(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}
