'use strict';
// The pieces of authql's build the benchmark borrows, in one place: the seed
// stores tokens and hashes exactly as authql does, and the baseline checks
// them with the same code.
const dist = (file) => require(`../dist/src/${file}`);

module.exports = {
  opaque: dist('sessions/opaque-token'),
  jws: dist('sessions/jws'),
  PasswordHasher: dist('accounts/passwords').PasswordHasher,
  sqlitePath: dist('db/database-url').sqlitePath,
  databaseKind: dist('db/database-url').databaseKind,
};
