'use strict';
// The pieces of authql's build the benchmark borrows, in one place: the seed
// stores tokens and hashes exactly as authql does, and the baseline checks
// them with the same code.
const dist = (file) => require(`../dist/src/${file}`);

module.exports = {
  opaque: dist('auth/opaque-token'),
  PasswordHasher: dist('auth/passwords').PasswordHasher,
  sqlitePath: dist('db/orm').sqlitePath,
  databaseKind: dist('db/orm').databaseKind,
};
