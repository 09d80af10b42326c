// ID-token providers: a SocialApp may name several client IDs (web, iOS,
// Android), any of which an ID token's `aud` may be. The new column holds the
// ones besides client_id, as a JSON array; existing apps get an empty list.
import { TwoDialectMigration } from './two-dialect';

const SQLITE = ["alter table `social_apps` add column `extra_client_ids` json not null default '[]'"];
const POSTGRES = [`alter table "social_apps" add column "extra_client_ids" jsonb not null default '[]'`];

export class Migration20261126300000 extends TwoDialectMigration {
  protected readonly sqlite = SQLITE;
  protected readonly postgres = POSTGRES;
  protected readonly undo = ['alter table "social_apps" drop column "extra_client_ids"'];
}
