// Every migration carries the DDL for both databases (as MikroORM's schema
// generator wrote it for each) and picks by driver; this is that picking.
import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '../dialect';

export abstract class TwoDialectMigration extends Migration {
  protected abstract readonly sqlite: readonly string[];
  protected abstract readonly postgres: readonly string[];
  /** Statements that undo it, valid on both databases. */
  protected abstract readonly undo: readonly string[];

  override async up(): Promise<void> {
    for (const sql of isPostgres(this.driver) ? this.postgres : this.sqlite) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of this.undo) this.addSql(sql);
  }
}
