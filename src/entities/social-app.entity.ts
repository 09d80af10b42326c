// A provider app registered by staff (allauth's SocialApp): the credentials
// authql uses to check that a provider token was issued to *our* app. One app
// per provider. The secret has no @Field and is hidden from serialisation;
// the API only says whether one is set.
import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { SocialProvider } from '../social/providers/provider-id';

@ObjectType()
@Entity({ tableName: 'social_apps' })
export class SocialApp {
  [OptionalProps]?: 'hasSecret' | 'extraClientIds' | 'hasPrivateKey';

  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Field(() => SocialProvider)
  @Unique({ name: 'social_apps_provider_unique' })
  @Property({ type: 'string', length: 30 })
  provider!: SocialProvider;

  @Field()
  @Property({ type: 'string', length: 40 })
  name!: string;

  /** Kakao: the REST API key; Facebook: the App ID; Google: the (web) OAuth client ID; Apple: the bundle ID; Naver: the Client ID. */
  @Field()
  @Property({ type: 'string', length: 191 })
  clientId!: string;

  /**
   * More client IDs an ID token may be addressed to (`aud`), besides
   * clientId: Google's iOS and Android client IDs, Apple's Services ID,
   * Kakao's native app and JavaScript keys.
   */
  @Field(() => [String], {
    description: 'More client IDs an ID token may be addressed to, besides clientId (Google iOS/Android, Apple Services ID, Kakao native app key).',
  })
  // The column default only exists so the migration could add it to existing rows (SQLite needs one).
  @Property({ type: 'json', defaultRaw: "'[]'" })
  extraClientIds: string[] = [];

  /** Facebook: the App Secret (signs debug_token and appsecret_proof). Never returned. */
  @Property({ type: 'string', length: 191, nullable: true, hidden: true })
  secret?: string | null;

  /** Kakao: the numeric App ID that access_token_info reports as app_id. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 191, nullable: true })
  key?: string | null;

  @Field({ description: 'Whether a secret is stored; the secret itself is never returned.' })
  get hasSecret(): boolean {
    return !!this.secret;
  }

  /** Apple: the Team ID, the client_secret JWT's `iss`. */
  @Field(() => String, { nullable: true, description: 'Apple: the Team ID (signs the client_secret for the REST API).' })
  @Property({ type: 'string', length: 20, nullable: true })
  teamId?: string | null;

  /** Apple: the Key ID of the Sign in with Apple key, the client_secret JWT's `kid`. */
  @Field(() => String, { nullable: true, description: 'Apple: the Key ID of the Sign in with Apple private key.' })
  @Property({ type: 'string', length: 20, nullable: true })
  keyId?: string | null;

  /** Apple: the .p8 private key, sealed (crypto/secret-box.ts, purpose apple-private-key). Never returned. */
  @Property({ type: 'text', nullable: true, hidden: true })
  privateKey?: string | null;

  @Field({ description: 'Apple: whether a private key is stored; the key itself is never returned.' })
  get hasPrivateKey(): boolean {
    return !!this.privateKey;
  }
}
