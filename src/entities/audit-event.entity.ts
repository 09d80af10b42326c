// The audit log: append-only rows saying who did what to whom, when, from
// where, and how it ended. No foreign keys: a row outlives the user it names.
// `detail` is small and never holds a secret, a hash or a token.
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

export type AuditActor = 'user' | 'system' | 'cli' | 'anonymous';
export type AuditOutcome = 'success' | 'failure';

@ObjectType('AuditEvent')
@Entity({ tableName: 'audit_events' })
@Index({ name: 'audit_events_at_idx', properties: ['at'] })
@Index({ name: 'audit_events_user_idx', properties: ['userId', 'id'] })
@Index({ name: 'audit_events_action_idx', properties: ['action', 'id'] })
export class AuditEvent {
  [OptionalProps]?: 'at' | 'detail';

  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Field()
  @Property({ type: 'Date' })
  at: Date = new Date();

  @Field(() => String, { description: 'user (actorId says who), system, cli, or anonymous (a failed sign-in).' })
  @Property({ type: 'string', length: 16 })
  actor!: AuditActor;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  actorId?: number | null;

  @Field({ description: 'e.g. sign_in, password.changed, staff.user_updated (README: Audit log).' })
  @Property({ type: 'string', length: 64 })
  action!: string;

  @Field(() => Int, { nullable: true, description: 'The account the action concerns.' })
  @Property({ type: 'integer', nullable: true })
  userId?: number | null;

  @Field(() => String, { nullable: true, description: 'What else it concerns, as kind:id (socialApp:3, webhook:wh_…, session:…).' })
  @Property({ type: 'string', length: 100, nullable: true })
  target?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  userAgent?: string | null;

  @Field(() => String, { description: 'success or failure.' })
  @Property({ type: 'string', length: 16 })
  outcome!: AuditOutcome;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  detail: Record<string, unknown> = {};
}
