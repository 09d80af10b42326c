// One-time tokens (password reset, email verification).
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `one_time_tokens` (`id` text not null, `user_id` integer not null, `purpose` text not null, `secret_hash` text not null, `binding` text not null, `created_at` datetime not null, `expires_at` datetime not null, `used_at` datetime null, constraint `one_time_tokens_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade, primary key (`id`))',
  'create index `one_time_tokens_user_idx` on `one_time_tokens` (`user_id`)',
];

const POSTGRES = [
  'create table "one_time_tokens" ("id" varchar(32) not null, "user_id" int not null, "purpose" varchar(32) not null, "secret_hash" varchar(64) not null, "binding" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "one_time_tokens_pkey" primary key ("id"))',
  'create index "one_time_tokens_user_idx" on "one_time_tokens" ("user_id")',
  'alter table "one_time_tokens" add constraint "one_time_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
];

export class Migration20261126200000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "one_time_tokens"'];
}
