// ID-token providers: a SocialApp may name several client IDs (web, iOS,
// Android), any of which an ID token's `aud` may be. The new column holds the
// ones besides client_id, as a JSON array; existing apps get an empty list.
import { Migration } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

const SQLITE = ["alter table `social_apps` add column `extra_client_ids` json not null default '[]'"];
const POSTGRES = [`alter table "social_apps" add column "extra_client_ids" jsonb not null default '[]'`];

export class Migration20261126300000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of this.driver instanceof PostgreSqlDriver ? POSTGRES : SQLITE) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('alter table "social_apps" drop column "extra_client_ids"');
  }
}
