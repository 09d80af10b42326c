// A WebAuthn challenge we issued, kept server-side until its one use (or
// WEBAUTHN_TIMEOUT_MS). `purpose` and the bindings say what may consume it:
// a registration only for `user`; a sign-in only through the options it was
// issued with (`user` set when a username was given); a second step only for
// the pending sign-in `pendingId` names.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

export type WebAuthnPurpose = 'registration' | 'sign_in' | 'second_factor';

@Entity({ tableName: 'webauthn_challenges' })
@Index({ name: 'webauthn_challenges_expires_at_idx', properties: ['expiresAt'] })
// Registration and second-step answers are found by their user and the challenge they carry.
@Index({ name: 'webauthn_challenges_user_challenge_idx', properties: ['user', 'challenge'] })
export class WebAuthnChallenge {
  [OptionalProps]?: 'createdAt';

  /** Random, given to the client as challengeId (sign-in); not the challenge itself. */
  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @Property({ type: 'string', length: 16 })
  purpose!: WebAuthnPurpose;

  /** base64url, as in the options. */
  @Property({ type: 'string', length: 128 })
  challenge!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade', nullable: true })
  user?: User | null;

  /** The second-factor gate's PendingChallenge id. */
  @Property({ type: 'string', length: 64, nullable: true })
  pendingId?: string | null;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  expiresAt!: Date;
}
