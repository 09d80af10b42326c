// Which authql user a Django `auth_user` row became (`manage import-django`).
// The Django id is the key, so running the import again finds every user it
// already made and changes nothing. When the authql user is deleted later the
// link stays with `user` null: a re-import does not bring the account back.
import { Entity, OneToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

@Entity({ tableName: 'django_users' })
export class DjangoUser {
  [OptionalProps]?: 'importedAt';

  /** auth_user.id in the Django database. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  djangoId!: number;

  @OneToOne(() => User, { owner: true, nullable: true, deleteRule: 'set null' })
  user?: User | null;

  @Property({ type: 'Date' })
  importedAt: Date = new Date();
}
