// A user's TOTP authenticator. The secret is sealed (crypto/secret-box.ts,
// AAD `user:<id>:totp`) and never leaves the server after enrollment. A row
// without confirmedAt is an enrollment in progress: it changes nothing at
// sign-in until a first valid code confirms it. lastUsedStep is the last
// accepted time step: a code at or before it is a replay.
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'totp_factors' })
export class TotpFactor {
  [OptionalProps]?: 'createdAt' | 'confirmedAt' | 'lastUsedStep';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Unique({ name: 'totp_factors_user_id_unique' })
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 255 })
  secret!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  confirmedAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  lastUsedStep?: number | null;
}
