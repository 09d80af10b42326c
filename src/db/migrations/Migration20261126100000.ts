// Social login: provider apps (one per provider) and the social accounts
// linked to users, unique on (provider, uid). DDL for both databases was
// produced by MikroORM's schema generator from the entities.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `social_apps` (`id` integer not null primary key autoincrement, `provider` text not null, `name` text not null, `client_id` text not null, `secret` text null, `key` text null)',
  'create unique index `social_apps_provider_unique` on `social_apps` (`provider`)',
  'create table `social_accounts` (`id` integer not null primary key autoincrement, `provider` text not null, `uid` text not null, `user_id` integer not null, `date_joined` datetime not null, `last_login` datetime null, `extra_data` json null, constraint `social_accounts_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade)',
  'create index `social_accounts_user_idx` on `social_accounts` (`user_id`)',
  'create unique index `social_accounts_provider_uid_unique` on `social_accounts` (`provider`, `uid`)',
];

const POSTGRES = [
  'create table "social_apps" ("id" serial primary key, "provider" varchar(30) not null, "name" varchar(40) not null, "client_id" varchar(191) not null, "secret" varchar(191) null, "key" varchar(191) null)',
  'alter table "social_apps" add constraint "social_apps_provider_unique" unique ("provider")',
  'create table "social_accounts" ("id" serial primary key, "provider" varchar(30) not null, "uid" varchar(191) not null, "user_id" int not null, "date_joined" timestamptz not null, "last_login" timestamptz null, "extra_data" jsonb null)',
  'create index "social_accounts_user_idx" on "social_accounts" ("user_id")',
  'alter table "social_accounts" add constraint "social_accounts_provider_uid_unique" unique ("provider", "uid")',
  'alter table "social_accounts" add constraint "social_accounts_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
];

export class Migration20261126100000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "social_accounts"', 'drop table if exists "social_apps"'];
}
