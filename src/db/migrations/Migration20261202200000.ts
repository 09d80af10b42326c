// Passkeys (issue 13): the credentials and the WebAuthn challenges issued for them.
// DDL for both databases was produced by MikroORM's schema generator from the entities.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `passkeys` (`id` integer not null primary key autoincrement, `user_id` integer not null, `credential_id` text not null, `public_key` blob not null, `user_handle` blob not null, `counter` bigint not null, `transports` json not null, `device_type` text not null, `backed_up` integer not null, `aaguid` text not null, `name` text not null, `created_at` datetime not null, `last_used_at` datetime null, constraint `passkeys_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade)',
  'create index `passkeys_user_idx` on `passkeys` (`user_id`)',
  'create unique index `passkeys_credential_id_unique` on `passkeys` (`credential_id`)',
  'create table `webauthn_challenges` (`id` text not null, `purpose` text not null, `challenge` text not null, `user_id` integer null, `pending_id` text null, `created_at` datetime not null, `expires_at` datetime not null, constraint `webauthn_challenges_user_id_foreign` foreign key(`user_id`) references `users`(`id`) on delete cascade on update cascade, primary key (`id`))',
  'create index `webauthn_challenges_user_id_index` on `webauthn_challenges` (`user_id`)',
  'create index `webauthn_challenges_user_challenge_idx` on `webauthn_challenges` (`user_id`, `challenge`)',
  'create index `webauthn_challenges_expires_at_idx` on `webauthn_challenges` (`expires_at`)',
];

const POSTGRES = [
  'create table "passkeys" ("id" serial primary key, "user_id" int not null, "credential_id" varchar(1400) not null, "public_key" bytea not null, "user_handle" bytea not null, "counter" bigint not null, "transports" jsonb not null, "device_type" varchar(16) not null, "backed_up" boolean not null, "aaguid" varchar(36) not null, "name" varchar(100) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null)',
  'create index "passkeys_user_idx" on "passkeys" ("user_id")',
  'alter table "passkeys" add constraint "passkeys_credential_id_unique" unique ("credential_id")',
  'create table "webauthn_challenges" ("id" varchar(32) not null, "purpose" varchar(16) not null, "challenge" varchar(128) not null, "user_id" int null, "pending_id" varchar(64) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "webauthn_challenges_pkey" primary key ("id"))',
  'create index "webauthn_challenges_user_challenge_idx" on "webauthn_challenges" ("user_id", "challenge")',
  'create index "webauthn_challenges_expires_at_idx" on "webauthn_challenges" ("expires_at")',
  'alter table "passkeys" add constraint "passkeys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
  'alter table "webauthn_challenges" add constraint "webauthn_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade',
];

export class Migration20261202200000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['drop table if exists "webauthn_challenges"', 'drop table if exists "passkeys"'];
}
