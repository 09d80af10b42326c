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
  [OptionalProps]?: 'dateJoined' | 'lastLogin' | 'extraData' | 'relayEmail' | 'relayEmailEnabled' | 'providerToken';

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
  @Property({ type: 'Date' })
  dateJoined: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', nullable: true })
  lastLogin?: Date | null;

  /** The provider's last profile answer, as received (it never holds a token). */
  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  extraData?: Record<string, unknown> | null;

  /** Apple: the private relay address (`…@privaterelay.appleid.com`) the user chose to share instead of their own. */
  @Field(() => String, { nullable: true, description: 'Apple: the private relay address the user shared instead of their own, if they did.' })
  @Property({ type: 'string', length: 254, nullable: true })
  relayEmail?: string | null;

  /** Apple: false after an `email-disabled` notification: the relay forwards nothing, so nothing is mailed to it. */
  @Field({ description: 'Apple: whether the relay address forwards mail (Apple says so in its notifications); authql mails nothing to one that does not.' })
  @Property({ type: 'boolean', default: true })
  relayEmailEnabled: boolean = true;

  /**
   * Apple: the refresh token from the authorization code exchange with the
   * client ID it was issued to, sealed (purpose apple-refresh-token, bound to
   * this provider and uid); kept only to revoke it. Never returned.
   */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  providerToken?: string | null;
}
