// Single-use tokens mailed to a user: password reset and email verification.
// The client holds `id.secret`; only the secret's SHA-256 is stored. `binding`
// ties the token to what it was issued for (a hash of the password hash for a
// reset, of the email for a verification), so a reset link dies when the
// password changes and a verification link dies when the email changes.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

export type OneTimePurpose = 'password_reset' | 'email_verification';

@Entity({ tableName: 'one_time_tokens' })
@Index({ name: 'one_time_tokens_user_idx', properties: ['user'] })
export class OneTimeToken {
  [OptionalProps]?: 'createdAt' | 'usedAt';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 32 })
  purpose!: OneTimePurpose;

  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  @Property({ type: 'string', length: 64 })
  binding!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  usedAt?: Date | null;
}
