// A receiver superusers registered: where events go and which ones. The
// signing secret is needed to sign, so it is kept sealed (crypto/secret-box,
// bound to the endpoint's id) rather than hashed, has no @Field, and is shown
// only once, in createWebhook's answer.
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Webhook')
@Entity({ tableName: 'webhook_endpoints' })
export class WebhookEndpoint {
  [OptionalProps]?: 'enabled' | 'failing' | 'consecutiveFailures' | 'createdAt' | 'description';

  @Field(() => ID)
  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @Field()
  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Field(() => [String], { description: 'Event types delivered here (see the README event list).' })
  @Property({ type: 'json' })
  events!: string[];

  @Field()
  @Property({ type: 'string', length: 200 })
  description: string = '';

  @Property({ type: 'text', hidden: true, lazy: true })
  secretSealed!: string;

  @Field({ description: 'False: nothing is queued for it and pending deliveries wait.' })
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field({ description: 'Set after repeated failed attempts in a row; cleared by the next success.' })
  @Property({ type: 'boolean' })
  failing: boolean = false;

  @Field(() => Int)
  @Property({ type: 'integer' })
  consecutiveFailures: number = 0;

  @Field()
  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
