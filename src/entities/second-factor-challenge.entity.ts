// A sign-in waiting for its second factor: the user whose first factor was
// proven, how (method and amr, so the session that follows says so), until
// when, and how many wrong answers it has had. The client holds `id.secret`
// (sessions/opaque-token.ts); only the secret's SHA-256 is stored. usedAt is
// set once, by the answer that completes it.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'second_factor_challenges' })
@Index({ name: 'second_factor_challenges_user_idx', properties: ['user'] })
export class SecondFactorChallenge {
  [OptionalProps]?: 'createdAt' | 'usedAt' | 'failures';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  /** The first factor's SignInMethod (password, social:kakao, code). */
  @Property({ type: 'string', length: 64 })
  method!: string;

  /** The first factor's RFC 8176 amr values, space-separated. */
  @Property({ type: 'string', length: 100 })
  amr!: string;

  /** The user's token version when it began: a password change or deactivation since ends it, as it ends sessions. */
  @Property({ type: 'integer' })
  tokenVersion!: number;

  @Property({ type: 'integer', default: 0 })
  failures: number = 0;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  usedAt?: Date | null;
}
