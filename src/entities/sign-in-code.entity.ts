// The one live email sign-in code of a user (sign-in/sign-in-codes.ts). The
// user is the primary key, so a new request replaces the old code by
// construction. Only an HMAC of the code (bound to the user and the address it
// was mailed to) is stored; `failedAttempts` counts wrong tries, and at 5 the
// code is dead. A row is deleted when its code is used.
import { Entity, ManyToOne, OptionalProps, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'sign_in_codes' })
export class SignInCode {
  [PrimaryKeyProp]?: 'user';
  [OptionalProps]?: 'createdAt' | 'failedAttempts';

  @ManyToOne(() => User, { primary: true, deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 64 })
  codeHash!: string;

  @Property({ type: 'integer', default: 0 })
  failedAttempts: number = 0;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date' })
  expiresAt!: Date;
}
