// PostgreSQL statements by name: the text of a fixed statement (`?`
// placeholders) in PostgreSQL's form (`$1`, `$2`…) under a name derived from
// it, so each pooled connection parses and plans it once and then only binds
// values. knex sends every query unnamed, parsed again each time.
import { createHash } from 'node:crypto';

type Row = Record<string, unknown>;

export interface PgConnection {
  query(q: string | { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

/** knex's client, for its pool. */
export interface PgPool {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(conn: PgConnection): Promise<unknown>;
}

const names = new Map<string, { name: string; text: string }>();

/** The PostgreSQL form of a text and its name (texts are written in the code, so they are few). */
export function named(sql: string): { name: string; text: string } {
  let found = names.get(sql);
  if (!found) {
    let n = 0;
    found = { name: `authql_${createHash('sha256').update(sql).digest('hex').slice(0, 20)}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    names.set(sql, found);
  }
  return found;
}

/** One statement on a pooled connection of its own, by name. */
export async function runNamed(pool: PgPool, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  const conn = await pool.acquireConnection();
  try {
    return (await conn.query({ ...named(sql), values: bindings })).rows;
  } finally {
    await pool.releaseConnection(conn);
  }
}
