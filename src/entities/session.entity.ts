// A sign-in session: the family of refresh tokens that descend from one
// login. Revoking it ends every token in the family; it can never outlive
// expiresAt (the first sign-in plus JWT_REFRESH_EXPIRATION_DELTA).
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'sessions' })
@Index({ name: 'sessions_user_idx', properties: ['user'] })
export class Session {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'revokedAt' | 'userAgent' | 'ip';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  lastUsedAt: Date = new Date();

  /** Absolute end of the session, fixed at sign-in. */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  /** The user's token version at sign-in; a later bump ends the session. */
  @Property({ type: 'integer' })
  tokenVersion!: number;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;
}
