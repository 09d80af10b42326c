// `manage import-django`: which authql user each Django auth_user row became.
// DDL for both databases was produced by MikroORM's schema generator from the entity.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `django_users` (`django_id` integer not null, `user_id` integer null, `imported_at` datetime not null, constraint `django_users_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete set null on update cascade, primary key (`django_id`))',
  'create unique index `django_users_user_id_unique` on `django_users` (`user_id`)',
];

const POSTGRES = [
  'create table "django_users" ("django_id" int not null, "user_id" int null, "imported_at" timestamptz not null, constraint "django_users_pkey" primary key ("django_id"))',
  'alter table "django_users" add constraint "django_users_user_id_unique" unique ("user_id")',
  'alter table "django_users" add constraint "django_users_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete set null',
];

export class Migration20261126400000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "django_users"'];
}
