// A provider identity linked to a user. The identity is (provider, uid) and
// nothing else: the unique index is what makes two concurrent first sign-ins
// end up with one account. Deleting the user deletes their links.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { SocialProvider } from '../social/providers/provider-id';
import { User } from './user.entity';

@ObjectType()
@Entity({ tableName: 'social_accounts' })
@Unique({ name: 'social_accounts_provider_uid_unique', properties: ['provider', 'uid'] })
@Index({ name: 'social_accounts_user_idx', properties: ['user'] })
export class SocialAccount {
  [OptionalProps]?: 'dateJoined' | 'lastLogin' | 'extraData';

  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Field(() => SocialProvider)
  @Property({ type: 'string', length: 30 })
  provider!: SocialProvider;

  /** The provider's user id (Kakao's service user ID, Facebook's app-scoped ID). */
  @Field()
  @Property({ type: 'string', length: 191 })
  uid!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field()
  @Property({ type: 'datetime' })
  dateJoined: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastLogin?: Date | null;

  /** The provider's last profile answer, as received (it never holds a token). */
  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  extraData?: Record<string, unknown> | null;
}
