'use strict';
// The benchmark's own handle on the SQLite file: knex over sqlite3 with one
// connection and the pragmas src/db/orm.ts sets, i.e. what MikroORM uses.
const { knex } = require('@mikro-orm/sqlite');

exports.openDatabase = (filename) =>
  knex({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn, done) => conn.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;', (err) => done(err, conn)),
    },
  });
