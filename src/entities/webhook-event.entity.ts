// The outbox: one row per event, written in the transaction of the change
// that caused it, holding the exact JSON body that is signed and sent. Its id
// is the Standard Webhooks `webhook-id`, the same on every retry and
// redelivery, so receivers deduplicate with it.
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'webhook_events' })
export class WebhookEvent {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 64 })
  type!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
