// Which of our two databases a driver talks to, asked of the SQLite driver
// (always loaded: orm.ts builds its connection hook) so that a SQLite server
// never loads @mikro-orm/postgresql and pg (~2 MB of heap) just to ask.
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { IDatabaseDriver } from '@mikro-orm/core';

export const isPostgres = (driver: IDatabaseDriver): boolean => !(driver instanceof BetterSqliteDriver);
