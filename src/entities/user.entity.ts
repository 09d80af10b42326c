// An account. Doubles as the GraphQL User type; columns without @Field
// (password hash, normalised keys, token version) never reach the API, and
// `email` is exposed through a field resolver that checks who is asking.
import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

// simpleResolvers: graphql-js reads each property itself, without type-graphql's wrapper per
// field (no field here has middleware or @Authorized; `email`'s field resolver is unaffected).
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'firstName' | 'lastName' | 'isActive' | 'isStaff' | 'isSuperuser' | 'dateJoined' | 'tokenVersion' | 'emailVerified';

  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Field()
  @Property({ type: 'string', length: 150 })
  username!: string;

  /** Lower-cased username: uniqueness and look-ups are case-insensitive. */
  @Unique({ name: 'users_username_key_unique' })
  @Property({ type: 'string', length: 150 })
  usernameKey!: string;

  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  /** Lower-cased email, unique when present (social accounts may have none). */
  @Unique({ name: 'users_email_key_unique' })
  @Property({ type: 'string', length: 254, nullable: true })
  emailKey?: string | null;

  @Field({ description: 'True once the user proved they own the email (or the provider vouched for it).' })
  @Property({ type: 'boolean', default: false })
  emailVerified: boolean = false;

  /** argon2id PHC string, or `!…` for an unusable password. Never loaded unless asked for. */
  @Property({ type: 'string', length: 255, hidden: true, lazy: true })
  password!: string;

  @Field()
  @Property({ type: 'string', length: 150, default: '' })
  firstName: string = '';

  @Field()
  @Property({ type: 'string', length: 150, default: '' })
  lastName: string = '';

  @Field()
  @Property({ type: 'boolean', default: true })
  isActive: boolean = true;

  @Field()
  @Property({ type: 'boolean', default: false })
  isStaff: boolean = false;

  @Field({ description: 'Public, like isStaff: a superuser may also grant or remove staff and superuser rights.' })
  @Property({ type: 'boolean', default: false })
  isSuperuser: boolean = false;

  @Field()
  @Property({ type: 'Date' })
  dateJoined: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  lastLogin?: Date | null;

  /** Bumped on password change and deactivation: every earlier token dies. */
  @Property({ type: 'integer', default: 0 })
  tokenVersion: number = 0;
}
