// A sign-in session: the family of refresh tokens that descend from one
// login. Revoking it ends every token in the family; it can never outlive
// expiresAt (the first sign-in plus JWT_REFRESH_EXPIRATION_DELTA).
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'sessions' })
@Index({ name: 'sessions_user_idx', properties: ['user'] })
export class Session {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'revokedAt' | 'userAgent' | 'ip' | 'amr' | 'authTime';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  lastUsedAt: Date = new Date();

  /** Absolute end of the session, fixed at sign-in. */
  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  revokedAt?: Date | null;

  /** The user's token version at sign-in; a later bump ends the session. */
  @Property({ type: 'integer' })
  tokenVersion!: number;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  /**
   * RFC 8176 values the sign-in proved, space-separated (`pwd otp mfa`).
   * Empty for sessions from before second factors: they claim nothing.
   */
  @Property({ type: 'string', length: 100, default: '' })
  amr: string = '';

  /** When the user last proved who they are in this session (OIDC auth_time); null: its createdAt. */
  @Property({ type: 'Date', nullable: true })
  authTime?: Date | null;
}
