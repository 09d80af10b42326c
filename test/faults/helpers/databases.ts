// The databases a scenario runs on: a SQLite file of its own, or a new
// PostgreSQL database on the server of TEST_DATABASE_URL (default the local
// `test` one), dropped afterwards. Invariants are read straight from it
// with plain SQL, never through our own code.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';

export type Dialect = 'sqlite' | 'postgresql';

export const PG_ADMIN = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const DIALECTS = (process.env.FAULTS_DATABASES || 'sqlite,postgresql').split(',').map((d) => d.trim()) as Dialect[];

export interface FaultDatabase {
  dialect: Dialect;
  url: string;
  /** The PostgreSQL database's name, or the SQLite file's path. */
  name: string;
  query<T = any>(sql: string): Promise<T[]>;
  drop(): Promise<void>;
}

export async function faultDatabase(dialect: Dialect, dir?: string): Promise<FaultDatabase> {
  if (dialect === 'sqlite') {
    const path = join(dir ?? mkdtempSync(join(tmpdir(), 'authql-faults-')), 'db.sqlite');
    return {
      dialect,
      url: `sqlite:${path}`,
      name: path,
      query: async (sql) => {
        const db = new Sqlite(path, { readonly: true, fileMustExist: true });
        try {
          db.pragma('busy_timeout = 5000');
          return db.prepare(sql).all() as any[];
        } finally {
          db.close();
        }
      },
      drop: async () => undefined,
    };
  }
  const name = `authql_faults_${process.pid}_${randomBytes(4).toString('hex')}`;
  await pgAdmin((c) => c.query(`create database "${name}"`));
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    name,
    query: async (sql) => {
      const c = new Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    },
    drop: () => pgAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

export async function pgAdmin<T>(run: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/**
 * Rows that disagree: refresh tokens without their session, sessions without
 * their user, and live sessions that do not have exactly one unused refresh
 * token (none: the session was lost; two: two live successors).
 */
export async function rowProblems(db: FaultDatabase): Promise<string[]> {
  const problems: string[] = [];
  const n = async (sql: string) => Number((await db.query<{ n: number | string }>(sql))[0].n);
  const orphanTokens = await n('select count(*) as n from refresh_tokens t left join sessions s on s.id = t.session_id where s.id is null');
  if (orphanTokens) problems.push(`${orphanTokens} refresh tokens without a session`);
  const orphanSessions = await n('select count(*) as n from sessions s left join users u on u.id = s.user_id where u.id is null');
  if (orphanSessions) problems.push(`${orphanSessions} sessions without a user`);
  const bad = await db.query<{ id: string; live: number | string }>(
    `select s.id, (select count(*) from refresh_tokens t where t.session_id = s.id and t.used_at is null) as live
       from sessions s where s.revoked_at is null`,
  );
  for (const row of bad) if (Number(row.live) !== 1) problems.push(`session ${row.id} has ${row.live} unused refresh tokens`);
  if (db.dialect === 'sqlite') {
    const fk = await db.query('pragma foreign_key_check');
    if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 3))}`);
  }
  return problems;
}
