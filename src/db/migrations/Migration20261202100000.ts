// Second factors (issue 13): TOTP authenticators, recovery codes, pending
// second-factor challenges, and the session's amr and auth_time.
// DDL for both databases was produced by MikroORM's schema generator from the entities.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `totp_factors` (`id` integer not null primary key autoincrement, `user_id` integer not null, `secret` text not null, `created_at` datetime not null, `confirmed_at` datetime null, `last_used_step` integer null, constraint `totp_factors_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade)',
  'create index `totp_factors_user_id_index` on `totp_factors` (`user_id`)',
  'create unique index `totp_factors_user_id_unique` on `totp_factors` (`user_id`)',
  'create table `second_factor_challenges` (`id` text not null, `user_id` integer not null, `secret_hash` text not null, `method` text not null, `amr` text not null, `token_version` integer not null, `failures` integer not null default 0, `created_at` datetime not null, `expires_at` datetime not null, `used_at` datetime null, constraint `second_factor_challenges_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade, primary key (`id`))',
  'create index `second_factor_challenges_user_idx` on `second_factor_challenges` (`user_id`)',
  'create table `recovery_codes` (`id` integer not null primary key autoincrement, `user_id` integer not null, `code_hash` text not null, `created_at` datetime not null, `used_at` datetime null, constraint `recovery_codes_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade)',
  'create index `recovery_codes_user_idx` on `recovery_codes` (`user_id`)',
  "alter table `sessions` add column `amr` text not null default ''",
  'alter table `sessions` add column `auth_time` datetime null',
];

const POSTGRES = [
  'create table "totp_factors" ("id" serial primary key, "user_id" int not null, "secret" varchar(255) not null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "last_used_step" int null)',
  'alter table "totp_factors" add constraint "totp_factors_user_id_unique" unique ("user_id")',
  'create table "second_factor_challenges" ("id" varchar(32) not null, "user_id" int not null, "secret_hash" varchar(64) not null, "method" varchar(64) not null, "amr" varchar(100) not null, "token_version" int not null, "failures" int not null default 0, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "second_factor_challenges_pkey" primary key ("id"))',
  'create index "second_factor_challenges_user_idx" on "second_factor_challenges" ("user_id")',
  'create table "recovery_codes" ("id" serial primary key, "user_id" int not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null)',
  'create index "recovery_codes_user_idx" on "recovery_codes" ("user_id")',
  'alter table "totp_factors" add constraint "totp_factors_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
  'alter table "second_factor_challenges" add constraint "second_factor_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
  'alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
  'alter table "sessions" add column "amr" varchar(100) not null default \'\', add column "auth_time" timestamptz null',
];

export class Migration20261202100000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = [
    'drop table if exists "recovery_codes"',
    'drop table if exists "second_factor_challenges"',
    'drop table if exists "totp_factors"',
    'alter table "sessions" drop column "auth_time"',
    'alter table "sessions" drop column "amr"',
  ];
}
