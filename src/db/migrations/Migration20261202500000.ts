// Issue 17 (Apple complete): the Apple app credentials on social_apps (Team
// ID, Key ID, the sealed .p8 key) and, on social_accounts, the relay address,
// whether it forwards mail, and the sealed Apple refresh token.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = [
  'alter table `social_apps` add column `team_id` text null',
  'alter table `social_apps` add column `key_id` text null',
  'alter table `social_apps` add column `private_key` text null',
  'alter table `social_accounts` add column `relay_email` text null',
  'alter table `social_accounts` add column `relay_email_enabled` integer not null default true',
  'alter table `social_accounts` add column `provider_token` text null',
];

const POSTGRES = [
  'alter table "social_apps" add column "team_id" varchar(20) null, add column "key_id" varchar(20) null, add column "private_key" text null',
  'alter table "social_accounts" add column "relay_email" varchar(254) null, add column "relay_email_enabled" boolean not null default true, add column "provider_token" text null',
];

export class Migration20261202500000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = [
    'alter table "social_apps" drop column "team_id"',
    'alter table "social_apps" drop column "key_id"',
    'alter table "social_apps" drop column "private_key"',
    'alter table "social_accounts" drop column "relay_email"',
    'alter table "social_accounts" drop column "relay_email_enabled"',
    'alter table "social_accounts" drop column "provider_token"',
  ];
}
