// A user's passkey (a WebAuthn credential). The credential id is unique
// across all accounts: with `none` attestation anyone can make up a
// registration carrying someone else's credential id, and a sign-in finds
// its passkey by that id alone, so a second row with it must never exist.
import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'passkeys' })
@Unique({ name: 'passkeys_credential_id_unique', properties: ['credentialId'] })
@Index({ name: 'passkeys_user_idx', properties: ['user'] })
export class Passkey {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  /** base64url; WebAuthn caps the raw id at 1023 bytes (1364 characters). */
  @Property({ type: 'string', length: 1400 })
  credentialId!: string;

  /** COSE_Key bytes as the authenticator sent them. */
  @Property({ type: 'blob' })
  publicKey!: Buffer;

  /** The WebAuthn user handle given at registration (the discoverable answer's userHandle must be it). */
  @Property({ type: 'blob' })
  userHandle!: Buffer;

  /** The signature counter (a uint32, hence bigint); 0 for authenticators without one (synced passkeys). */
  @Property({ type: new BigIntType('number') })
  counter!: number;

  @Property({ type: 'json' })
  transports!: string[];

  /** 'singleDevice' (backup-ineligible: amr hwk) or 'multiDevice' (synced: amr swk). */
  @Property({ type: 'string', length: 16 })
  deviceType!: 'singleDevice' | 'multiDevice';

  @Property({ type: 'boolean' })
  backedUp!: boolean;

  /** The authenticator model's AAGUID (all zeros with `none` attestation from most). */
  @Property({ type: 'string', length: 36 })
  aaguid!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  lastUsedAt?: Date | null;
}
