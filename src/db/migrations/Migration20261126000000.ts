// Initial schema: users, sessions (refresh-token families) and refresh tokens.
// SQLite and PostgreSQL differ in types and constraint syntax, so each gets
// its own DDL; both were produced by MikroORM's schema generator from the
// entities and are kept here as the source of truth.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  "create table `users` (`id` integer not null primary key autoincrement, `username` text not null, `username_key` text not null, `email` text null, `email_key` text null, `email_verified` integer not null default false, `password` text not null, `first_name` text not null default '', `last_name` text not null default '', `is_active` integer not null default true, `is_staff` integer not null default false, `is_superuser` integer not null default false, `date_joined` datetime not null, `last_login` datetime null, `token_version` integer not null default 0)",
  'create unique index `users_username_key_unique` on `users` (`username_key`)',
  'create unique index `users_email_key_unique` on `users` (`email_key`)',
  'create table `sessions` (`id` text not null, `user_id` integer not null, `created_at` datetime not null, `last_used_at` datetime not null, `expires_at` datetime not null, `revoked_at` datetime null, `token_version` integer not null, `user_agent` text null, `ip` text null, constraint `sessions_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade, primary key (`id`))',
  'create index `sessions_user_idx` on `sessions` (`user_id`)',
  'create table `refresh_tokens` (`id` text not null, `session_id` text not null, `secret_hash` text not null, `created_at` datetime not null, `used_at` datetime null, constraint `refresh_tokens_session_id_foreign` foreign key(`session_id`) references `sessions`(`id`) on delete cascade on update cascade, primary key (`id`))',
  'create index `refresh_tokens_session_idx` on `refresh_tokens` (`session_id`)',
];

const POSTGRES = [
  'create table "users" ("id" serial primary key, "username" varchar(150) not null, "username_key" varchar(150) not null, "email" varchar(254) null, "email_key" varchar(254) null, "email_verified" boolean not null default false, "password" varchar(255) not null, "first_name" varchar(150) not null default \'\', "last_name" varchar(150) not null default \'\', "is_active" boolean not null default true, "is_staff" boolean not null default false, "is_superuser" boolean not null default false, "date_joined" timestamptz not null, "last_login" timestamptz null, "token_version" int not null default 0)',
  'alter table "users" add constraint "users_username_key_unique" unique ("username_key")',
  'alter table "users" add constraint "users_email_key_unique" unique ("email_key")',
  'create table "sessions" ("id" varchar(32) not null, "user_id" int not null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "token_version" int not null, "user_agent" varchar(512) null, "ip" varchar(64) null, constraint "sessions_pkey" primary key ("id"))',
  'create index "sessions_user_idx" on "sessions" ("user_id")',
  'create table "refresh_tokens" ("id" varchar(32) not null, "session_id" varchar(32) not null, "secret_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "refresh_tokens_pkey" primary key ("id"))',
  'create index "refresh_tokens_session_idx" on "refresh_tokens" ("session_id")',
  'alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
  'alter table "refresh_tokens" add constraint "refresh_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade',
];

export class Migration20261126000000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "refresh_tokens"', 'drop table if exists "sessions"', 'drop table if exists "users"'];
}
