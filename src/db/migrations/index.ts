// Migrations are listed explicitly so the compiled server never globs the
// file system for them; add each new migration here in order.
import { Migration20261126000000 } from './Migration20261126000000';
import { Migration20261126100000 } from './Migration20261126100000';
import { Migration20261126200000 } from './Migration20261126200000';
import { Migration20261126300000 } from './Migration20261126300000';
import { Migration20261126400000 } from './Migration20261126400000';
import { Migration20261202100000 } from './Migration20261202100000';
import { Migration20261202200000 } from './Migration20261202200000';
import { Migration20261202300000 } from './Migration20261202300000';
import { Migration20261202400000 } from './Migration20261202400000';
import { Migration20261202500000 } from './Migration20261202500000';

export const MIGRATIONS = [
  { name: 'Migration20261126000000', class: Migration20261126000000 },
  { name: 'Migration20261126100000', class: Migration20261126100000 },
  { name: 'Migration20261126200000', class: Migration20261126200000 },
  { name: 'Migration20261126300000', class: Migration20261126300000 },
  { name: 'Migration20261126400000', class: Migration20261126400000 },
  { name: 'Migration20261202100000', class: Migration20261202100000 },
  { name: 'Migration20261202200000', class: Migration20261202200000 },
  { name: 'Migration20261202300000', class: Migration20261202300000 },
  { name: 'Migration20261202400000', class: Migration20261202400000 },
  { name: 'Migration20261202500000', class: Migration20261202500000 },
];
