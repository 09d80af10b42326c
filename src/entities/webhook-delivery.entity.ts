// One event on its way to one endpoint. The worker claims a due row by
// setting `claimedUntil` in a single UPDATE (events/claim.ts), so a row is
// attempted by one replica at a time, and a claim left by a killed process
// lapses and is taken again: at-least-once, never lost.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEvent } from './webhook-event.entity';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

@ObjectType('WebhookDelivery')
@Entity({ tableName: 'webhook_deliveries' })
@Index({ name: 'webhook_deliveries_due_idx', properties: ['status', 'nextAttemptAt'] })
@Index({ name: 'webhook_deliveries_endpoint_idx', properties: ['endpoint', 'id'] })
export class WebhookDelivery {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt' | 'nextAttemptAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => WebhookEvent, { deleteRule: 'cascade' })
  event!: WebhookEvent;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade' })
  endpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'pending (waiting or retrying), delivered, or dead (retries used up).' })
  @Property({ type: 'string', length: 16 })
  status: DeliveryStatus = 'pending';

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Field()
  @Property({ type: 'Date' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  claimedUntil?: Date | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got no answer.' })
  @Property({ type: 'integer', nullable: true })
  lastStatusCode?: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, refused address, status).' })
  @Property({ type: 'string', length: 300, nullable: true })
  lastError?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  deliveredAt?: Date | null;

  @Field()
  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
