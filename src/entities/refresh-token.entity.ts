// One refresh token of a session. The client holds `id.secret`; only the
// SHA-256 of the secret is stored. usedAt marks a rotated token; presenting
// it again after the grace window is reuse and ends the whole session.
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Session } from './session.entity';

@Entity({ tableName: 'refresh_tokens' })
@Index({ name: 'refresh_tokens_session_idx', properties: ['session'] })
export class RefreshToken {
  [OptionalProps]?: 'createdAt' | 'usedAt';

  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @ManyToOne(() => Session, { deleteRule: 'cascade' })
  session!: Session;

  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  usedAt?: Date | null;
}
