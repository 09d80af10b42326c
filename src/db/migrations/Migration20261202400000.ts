// Issue 16: the audit log (append-only, no foreign keys: a row outlives the
// user it names) and webhooks (endpoints, the outbox of events, one delivery
// row per event and endpoint). DDL for both databases was produced by
// MikroORM's schema generator from the entities.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'create table `audit_events` (`id` integer not null primary key autoincrement, `at` datetime not null, `actor` text not null, `actor_id` integer null, `action` text not null, `user_id` integer null, `target` text null, `ip` text null, `user_agent` text null, `outcome` text not null, `detail` json not null)',
  'create index `audit_events_action_idx` on `audit_events` (`action`, `id`)',
  'create index `audit_events_user_idx` on `audit_events` (`user_id`, `id`)',
  'create index `audit_events_at_idx` on `audit_events` (`at`)',
  "create table `webhook_endpoints` (`id` text not null, `url` text not null, `events` json not null, `description` text not null default '', `secret_sealed` text not null, `enabled` integer not null default true, `failing` integer not null default false, `consecutive_failures` integer not null default 0, `created_at` datetime not null, primary key (`id`))",
  'create table `webhook_events` (`id` text not null, `type` text not null, `body` text not null, `created_at` datetime not null, primary key (`id`))',
  "create table `webhook_deliveries` (`id` integer not null primary key autoincrement, `event_id` text not null, `endpoint_id` text not null, `status` text not null default 'pending', `attempts` integer not null default 0, `next_attempt_at` datetime not null, `claimed_until` datetime null, `last_status_code` integer null, `last_error` text null, `delivered_at` datetime null, `created_at` datetime not null, constraint `webhook_deliveries_event_id_foreign` foreign key(`event_id`) references `webhook_events`(`id`) on delete cascade on update cascade, constraint `webhook_deliveries_endpoint_id_foreign` foreign key(`endpoint_id`) references `webhook_endpoints`(`id`) on delete cascade on update cascade)",
  'create index `webhook_deliveries_event_id_index` on `webhook_deliveries` (`event_id`)',
  'create index `webhook_deliveries_endpoint_id_index` on `webhook_deliveries` (`endpoint_id`)',
  'create index `webhook_deliveries_endpoint_idx` on `webhook_deliveries` (`endpoint_id`, `id`)',
  'create index `webhook_deliveries_due_idx` on `webhook_deliveries` (`status`, `next_attempt_at`)',
];

const POSTGRES = [
  'create table "audit_events" ("id" serial primary key, "at" timestamptz not null, "actor" varchar(16) not null, "actor_id" int null, "action" varchar(64) not null, "user_id" int null, "target" varchar(100) null, "ip" varchar(64) null, "user_agent" varchar(300) null, "outcome" varchar(16) not null, "detail" jsonb not null)',
  'create index "audit_events_action_idx" on "audit_events" ("action", "id")',
  'create index "audit_events_user_idx" on "audit_events" ("user_id", "id")',
  'create index "audit_events_at_idx" on "audit_events" ("at")',
  `create table "webhook_endpoints" ("id" varchar(32) not null, "url" varchar(2048) not null, "events" jsonb not null, "description" varchar(200) not null default '', "secret_sealed" text not null, "enabled" boolean not null default true, "failing" boolean not null default false, "consecutive_failures" int not null default 0, "created_at" timestamptz not null, constraint "webhook_endpoints_pkey" primary key ("id"))`,
  'create table "webhook_events" ("id" varchar(40) not null, "type" varchar(64) not null, "body" text not null, "created_at" timestamptz not null, constraint "webhook_events_pkey" primary key ("id"))',
  `create table "webhook_deliveries" ("id" serial primary key, "event_id" varchar(40) not null, "endpoint_id" varchar(32) not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "claimed_until" timestamptz null, "last_status_code" int null, "last_error" varchar(300) null, "delivered_at" timestamptz null, "created_at" timestamptz not null)`,
  'create index "webhook_deliveries_endpoint_idx" on "webhook_deliveries" ("endpoint_id", "id")',
  'create index "webhook_deliveries_due_idx" on "webhook_deliveries" ("status", "next_attempt_at")',
  'alter table "webhook_deliveries" add constraint "webhook_deliveries_event_id_foreign" foreign key ("event_id") references "webhook_events" ("id") on update cascade on delete cascade',
  'alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on update cascade on delete cascade',
];

export class Migration20261202400000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = [
    'drop table if exists "webhook_deliveries"',
    'drop table if exists "webhook_events"',
    'drop table if exists "webhook_endpoints"',
    'drop table if exists "audit_events"',
  ];
}
