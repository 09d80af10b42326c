// Opens the database named by DATABASE_URL: `sqlite:<path>` (or `:memory:`)
// for the embedded default, `postgres://…` at scale. Schema changes only ever
// come from the committed migrations, never from `synchronize`.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MikroORM, type Options } from '@mikro-orm/core';
import type * as Postgres from '@mikro-orm/postgresql';
import type { Database } from 'better-sqlite3';
import { ENTITIES } from '../entities';
import { MailedLinksSubscriber } from '../entities/mailed-links.subscriber';
import { TokenVersionSubscriber } from '../entities/token-version.subscriber';
import { databaseKind, sqlitePath } from './database-url';
import { AuthqlEntityManager } from './entity-manager';
import { migrate } from './migrate';
import { prepareSqliteConnection, sqliteClient } from './sqlite-client';

export { type DatabaseKind, databaseKind, databaseUrlProblems, describeDatabaseUrl, sqlitePath } from './database-url';
export type Orm = MikroORM;

export interface OrmOptions {
  debug?: boolean;
  poolMax?: number;
  /** Seconds SQLite waits for a lock held by another connection or process. */
  sqliteBusyTimeout?: number;
  /** Receives MikroORM's own messages (migrations applied, debug SQL). */
  log?: (message: string) => void;
}

export function ormOptions(databaseUrl: string, opts: OrmOptions = {}): Options {
  const common: Options = {
    entities: ENTITIES,
    subscribers: [new TokenVersionSubscriber(), new MailedLinksSubscriber()],
    migrations: {
      // migrationsList: set by migrate(), which loads the classes on first use.
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      tableName: 'authql_migrations',
    },
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    // MikroORM's, without AsyncLocalStorage, and with the client its writes name (db/entity-manager.ts).
    entityManager: AuthqlEntityManager,
    ensureDatabase: false,
    forceUtcTimezone: true,
    debug: opts.debug ?? false,
    logger: opts.log ?? (() => undefined),
    // knex's own warnings (lost connections and the like) go to our log, not the console.
    driverOptions: { log: knexLog(opts.log) },
  };
  if (databaseKind(databaseUrl) === 'postgresql') {
    // required here: a SQLite server never loads the PostgreSQL driver and pg.
    const { PostgreSqlDriver } = require('@mikro-orm/postgresql') as typeof Postgres;
    return { ...common, driver: PostgreSqlDriver, clientUrl: databaseUrl, pool: { min: 0, max: opts.poolMax ?? 10 } };
  }
  const busyBudgetMs = (opts.sqliteBusyTimeout ?? 5) * 1000;
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: sqlitePath(databaseUrl),
    driverOptions: { ...common.driverOptions, client: sqliteClient(busyBudgetMs) },
    // One connection: better-sqlite3 is synchronous, so a second one would only take turns with the first.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: Database, done: (err: Error | null, conn: Database) => void) => {
        try {
          prepareSqliteConnection(conn, busyBudgetMs);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

export async function openOrm(databaseUrl: string, opts: OrmOptions & { migrate: boolean }): Promise<Orm> {
  if (databaseKind(databaseUrl) === 'sqlite') protectSqliteFiles(sqlitePath(databaseUrl), opts.log);
  const orm = await MikroORM.init(ormOptions(databaseUrl, opts));
  if (opts.migrate) await migrate(orm);
  return orm;
}

/**
 * The database holds password hashes and token digests: owner-only, whatever
 * the umask. The file is created 0600 before SQLite opens it, because SQLite
 * gives the WAL and SHM files it creates the database file's mode; files left
 * wider by an older run are narrowed. A directory we create is 0700; an
 * existing one is left alone (it may be the working directory).
 */
function protectSqliteFiles(path: string, log: OrmOptions['log'] = () => undefined): void {
  if (path === ':memory:' || path.startsWith('file:')) return;
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (!existsSync(file)) continue;
    try {
      chmodSync(file, 0o600);
    } catch (err) {
      // Someone else's file we may still write to (a shared volume): theirs to narrow, not a reason to refuse.
      log(`could not make ${file} owner-only: ${(err as Error).message}`);
    }
  }
}

function knexLog(log: OrmOptions['log'] = () => undefined) {
  const to = (level: string) => (message: unknown) => log(`knex ${level}: ${message instanceof Error ? message.message : String(message)}`);
  return { warn: to('warn'), error: to('error'), deprecate: to('deprecate'), debug: to('debug') };
}
