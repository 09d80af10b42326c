// The one way to emit an event. emit() adds the event and one delivery per
// subscribed endpoint to the caller's unit of work, so they are written by
// the same flush or transaction as the change itself: a change that rolls
// back emits nothing, and a committed one is never lost (the worker finds
// the rows however the process ends). With no endpoint listening nothing is written.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../entities';
import type { EventData, EventType } from './catalogue';

/** `*` in an endpoint's events: every event, including ones added later. */
export const ALL_EVENTS = '*';

export const newMessageId = (): string => `msg_${randomBytes(16).toString('base64url')}`;

export class Outbox {
  async emit<T extends EventType>(em: EntityManager, type: T, data: EventData<T>): Promise<void> {
    // Read on the caller's em: inside its transaction (and on SQLite's one connection).
    const endpoints = await em.find(WebhookEndpoint, { enabled: true }, { fields: ['id', 'events'] });
    const targets = endpoints.filter((e) => e.events.includes(type) || e.events.includes(ALL_EVENTS));
    if (targets.length === 0) return;
    const timestamp = new Date();
    const event = em.create(WebhookEvent, {
      id: newMessageId(),
      type,
      body: JSON.stringify({ type, timestamp: timestamp.toISOString(), data }),
      createdAt: timestamp,
    });
    for (const { id: endpoint } of targets) em.create(WebhookDelivery, { event, endpoint, nextAttemptAt: timestamp });
  }
}
