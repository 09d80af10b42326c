// Reads the four Django tables `manage import-django` needs, from SQLite
// (opened read-only) or PostgreSQL, through knex (MikroORM's own query
// builder, with the better-sqlite3 and pg drivers already installed). Rows are
// checked and normalised here, so the writer only sees well-formed data; a
// malformed row stops the import before anything is written.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Knex, knex } from '@mikro-orm/knex';
import { databaseKind, sqlitePath } from '../../db/orm';
import { UsageError } from '../args';

export interface DjangoUserRow {
  id: number;
  username: string;
  password: string;
  email: string;
  firstName: string;
  lastName: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  dateJoined: Date;
  lastLogin: Date | null;
}
export interface DjangoEmailRow {
  userId: number;
  email: string;
  verified: boolean;
  primary: boolean;
}
export interface DjangoSocialAppRow {
  id: number;
  provider: string;
  name: string;
  clientId: string;
  secret: string;
  key: string;
}
export interface DjangoSocialAccountRow {
  id: number;
  userId: number;
  provider: string;
  uid: string;
  dateJoined: Date;
  lastLogin: Date | null;
  extraData: Record<string, unknown> | null;
}
export interface DjangoData {
  users: DjangoUserRow[];
  emails: DjangoEmailRow[];
  socialApps: DjangoSocialAppRow[];
  socialAccounts: DjangoSocialAccountRow[];
  /** Optional tables (allauth's) that the database does not have. */
  missingTables: string[];
}

export class DjangoDataError extends Error {}

type Row = Record<string, unknown>;

export async function readDjango(database: string): Promise<DjangoData> {
  const db = connect(database);
  try {
    if (!(await db.schema.hasTable('auth_user'))) throw new UsageError(`${describeDatabase(database)} has no auth_user table: is it a Django database?`);
    const missingTables: string[] = [];
    const read = async (table: string, columns: string[]): Promise<Row[]> => {
      if (await db.schema.hasTable(table)) return db(table).select(columns).orderBy('id');
      missingTables.push(table);
      return [];
    };
    const users = await read('auth_user', [
      'id',
      'username',
      'password',
      'email',
      'first_name',
      'last_name',
      'is_active',
      'is_staff',
      'is_superuser',
      'date_joined',
      'last_login',
    ]);
    const emails = await read('account_emailaddress', ['id', 'user_id', 'email', 'verified', 'primary']);
    const apps = await read('socialaccount_socialapp', ['id', 'provider', 'name', 'client_id', 'secret', 'key']);
    const accounts = await read('socialaccount_socialaccount', ['id', 'user_id', 'provider', 'uid', 'date_joined', 'last_login', 'extra_data']);
    return {
      users: users.map((r) =>
        field(r, 'auth_user', (f) => ({
          id: f.int('id'),
          username: f.text('username'),
          password: f.text('password', true),
          email: f.text('email', true),
          firstName: f.text('first_name', true),
          lastName: f.text('last_name', true),
          isActive: f.bool('is_active'),
          isStaff: f.bool('is_staff'),
          isSuperuser: f.bool('is_superuser'),
          dateJoined: f.date('date_joined'),
          lastLogin: f.dateOrNull('last_login'),
        })),
      ),
      emails: emails.map((r) =>
        field(r, 'account_emailaddress', (f) => ({
          userId: f.int('user_id'),
          email: f.text('email'),
          verified: f.bool('verified'),
          primary: f.bool('primary'),
        })),
      ),
      socialApps: apps.map((r) =>
        field(r, 'socialaccount_socialapp', (f) => ({
          id: f.int('id'),
          provider: f.text('provider'),
          name: f.text('name', true),
          clientId: f.text('client_id', true),
          secret: f.text('secret', true),
          key: f.text('key', true),
        })),
      ),
      socialAccounts: accounts.map((r) =>
        field(r, 'socialaccount_socialaccount', (f) => ({
          id: f.int('id'),
          userId: f.int('user_id'),
          provider: f.text('provider'),
          uid: f.text('uid'),
          dateJoined: f.date('date_joined'),
          lastLogin: f.dateOrNull('last_login'),
          extraData: f.jsonObject('extra_data'),
        })),
      ),
      missingTables,
    };
  } finally {
    await db.destroy();
  }
}

/** `sqlite:<path>`, a bare path, or a postgres:// URL; never printed with its password. */
export function describeDatabase(database: string): string {
  return databaseKind(database) === 'postgresql' ? database.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : `sqlite:${sqlitePath(database)}`;
}

function connect(database: string): Knex {
  if (databaseKind(database) === 'postgresql') return knex({ client: 'pg', connection: database, pool: { min: 0, max: 1 } });
  const file = resolve(sqlitePath(database));
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  // Read-only: the import must never change the Django database.
  return knex({ client: 'better-sqlite3', connection: { filename: file, options: { readonly: true } }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
}

/** Typed access to one row's columns; any bad value names the table, row and column. */
function field<T>(row: Row, table: string, build: (f: Fields) => T): T {
  const fail = (column: string, what: string): never => {
    throw new DjangoDataError(`${table} id ${String(row.id)}: ${column} ${what} (got ${JSON.stringify(row[column]) ?? 'nothing'})`);
  };
  const date = (column: string): Date | null => {
    const v = row[column];
    if (v === null || v === undefined) return null;
    // SQLite keeps Django datetimes as text in UTC ("2024-03-16 14:06:45.702935"); PostgreSQL gives Dates.
    const d = v instanceof Date ? v : typeof v === 'string' ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v.replace(' ', 'T') : `${v.replace(' ', 'T')}Z`) : null;
    return d && !Number.isNaN(d.getTime()) ? d : fail(column, 'is not a date');
  };
  return build({
    int: (c) => (Number.isSafeInteger(Number(row[c])) && row[c] !== null && row[c] !== '' ? Number(row[c]) : fail(c, 'is not a whole number')),
    text: (c, emptyOk = false) =>
      typeof row[c] === 'string' && (emptyOk || row[c] !== '') ? (row[c] as string) : fail(c, emptyOk ? 'is not text' : 'is empty'),
    bool: (c) => ([true, 1, '1'].includes(row[c] as never) ? true : [false, 0, '0'].includes(row[c] as never) ? false : fail(c, 'is not a boolean')),
    date: (c) => date(c) ?? fail(c, 'is missing'),
    dateOrNull: date,
    jsonObject: (c) => {
      const v = row[c];
      if (v === null || v === undefined || v === '') return null;
      let parsed: unknown = v;
      try {
        if (typeof v === 'string') parsed = JSON.parse(v);
      } catch {
        return fail(c, 'is not JSON');
      }
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    },
  });
}

interface Fields {
  int(column: string): number;
  text(column: string, emptyOk?: boolean): string;
  bool(column: string): boolean;
  date(column: string): Date;
  dateOrNull(column: string): Date | null;
  jsonObject(column: string): Record<string, unknown> | null;
}
