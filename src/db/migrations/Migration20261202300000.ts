// Email sign-in codes (issue 13): one live code per user, keyed by the user.
// DDL for both databases was produced by MikroORM's schema generator from the entity.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `sign_in_codes` (`user_id` integer not null, `code_hash` text not null, `failed_attempts` integer not null default 0, `created_at` datetime not null, `expires_at` datetime not null, constraint `sign_in_codes_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade, primary key (`user_id`))',
  'create index `sign_in_codes_user_id_index` on `sign_in_codes` (`user_id`)',
];

const POSTGRES = [
  'create table "sign_in_codes" ("user_id" int not null, "code_hash" varchar(64) not null, "failed_attempts" int not null default 0, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "sign_in_codes_pkey" primary key ("user_id"))',
  'alter table "sign_in_codes" add constraint "sign_in_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
];

export class Migration20261202300000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "sign_in_codes"'];
}
