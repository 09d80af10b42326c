// The committed migrations apply, undo and re-apply cleanly on this pass's
// database, and leave exactly the schema the entities describe.

import { migrate } from '../../src/db/migrate';
import { MIGRATIONS } from '../../src/db/migrations';
import { openOrm } from '../../src/db/orm';
import { freshDatabase } from '../helpers/database';

test('up, down to nothing, up again; the entities and the schema agree', async () => {
  const db = await freshDatabase({ shared: true });
  const orm = await openOrm(db.url, { migrate: false });
  try {
    expect((await migrate(orm)).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const migrator = orm.getMigrator();
    await migrator.down({ to: 0 });
    expect(await migrator.getExecutedMigrations()).toEqual([]);
    await migrator.up();
    // What `schema:update` would do if the migrations missed something: nothing.
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
    expect(diff.trim()).toBe('');
  } finally {
    await orm.close(true);
    await db.drop();
  }
});
