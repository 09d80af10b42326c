// A fresh, empty database for one test server. SQLite by default (in memory,
// or a temp file when several servers or processes must share it); with
// TEST_DATABASE_URL=postgres://… a new PostgreSQL database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export const testPostgresUrl = (): string | undefined => {
  const url = process.env.TEST_DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
};

/** A SQLite database whatever the pass: a temp file when several connections or processes must share it. */
export function freshSqliteDatabase(opts: { shared?: boolean } = {}): TestDatabase {
  const url = opts.shared ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'authql-db-')), 'db.sqlite')}` : 'sqlite::memory:';
  return { url, drop: async () => undefined };
}

export async function freshDatabase(opts: { shared?: boolean } = {}): Promise<TestDatabase> {
  const admin = testPostgresUrl();
  if (!admin) return freshSqliteDatabase(opts);
  const name = `authql_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(admin, (c) => c.query(`create database "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withAdmin(admin, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined) };
}

export async function withAdmin<T>(adminUrl: string, run: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
