// Applies the committed migrations. @mikro-orm/migrations (umzug, the
// @rushstack CLI toolkit and ajv behind it: ~5 MB of heap) and the migration
// classes load here, on the first call, not with the ORM: a server started
// with AUTO_MIGRATE=false never needs them (README, Performance → Memory).
import type { MikroORM } from '@mikro-orm/core';

export async function migrate(orm: MikroORM): Promise<Array<{ name: string }>> {
  const [{ Migrator }, { MIGRATIONS }] = await Promise.all([import('@mikro-orm/migrations'), import('./migrations')]);
  orm.config.set('migrations', { ...orm.config.get('migrations'), migrationsList: MIGRATIONS });
  Migrator.register(orm);
  return orm.getMigrator().up();
}
