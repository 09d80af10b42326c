// The embedded database's knex client: MikroORM's better-sqlite3 dialect with
// two changes so that several processes can share one file safely.
//
// - A write transaction begins with BEGIN IMMEDIATE: a writer that meets
//   another process's lock waits at BEGIN, before it has read anything. A
//   plain (deferred) BEGIN takes the lock only at the first write, and a
//   transaction that has read meanwhile cannot wait for it: SQLite answers
//   SQLITE_BUSY at once, half-way through the work.
// - better-sqlite3 is synchronous, so SQLite's own busy wait blocks the event
//   loop: it is kept to BLOCKING_WAIT_MS, and a statement that starts outside
//   a transaction (BEGIN itself, or a single autocommit statement, which did
//   nothing when it failed) is retried after an asynchronous pause until the
//   SQLITE_BUSY_TIMEOUT budget is spent.
// - A statement run with bindings is prepared once per connection and kept
//   (statement-cache.ts): knex prepares every statement again, and compiling
//   the viewer's query cost more than running it.
// - readNow: a read run at once on the connection, past knex's pool and
//   runner, when that is the same as queueing for it (no transaction open).
// - inWriteTransaction: fixed statements in one BEGIN IMMEDIATE transaction
//   run synchronously on the connection (fixed-transaction.ts).
import { BetterSqliteKnexDialect } from '@mikro-orm/better-sqlite';
import type { Database } from 'better-sqlite3';
import type { Statement, StatementResult } from './fixed-transaction';
import { preparedOn } from './statement-cache';

/** How long one attempt may block the event loop waiting for a lock. */
export const BLOCKING_WAIT_MS = 10;
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 40;

const isBusy = (err: unknown): boolean => /^SQLITE_BUSY/.test(String((err as { code?: unknown } | null)?.code ?? ''));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `attempt` again after growing asynchronous pauses while it fails with SQLITE_BUSY, until the deadline. */
async function untilNotBusy<T>(deadline: number, attempt: () => T | Promise<T>): Promise<T> {
  for (let wait = FIRST_PAUSE_MS; ; wait = Math.min(wait * 2, MAX_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isBusy(err) || left <= 0) throw err;
      await pause(Math.min(wait, left));
    }
  }
}

interface KnexQuery {
  sql?: string;
  bindings?: unknown[];
  options?: { safeIntegers?: unknown };
  response?: unknown;
  context?: unknown;
}

interface KnexTransaction {
  readOnly?: boolean;
  trxClient: { query(conn: Database, sql: string): Promise<unknown> };
  begin(conn: Database): Promise<unknown>;
}

/** The knex client class for MikroORM's `driverOptions.client`; `budgetMs` is SQLITE_BUSY_TIMEOUT. */
export function sqliteClient(budgetMs: number) {
  return class AuthqlSqliteClient extends BetterSqliteKnexDialect {
    transaction(...args: unknown[]): KnexTransaction {
      const trx: KnexTransaction = super.transaction(...args);
      // knex's SQLite transaction always says BEGIN, and its begin() swallows a failure (a busy
      // BEGIN IMMEDIATE would hand out a dead transaction); this one rejects with SQLite's error.
      // knex calls begin() only once the connection is acquired, after this returns.
      trx.begin = (conn) => trx.trxClient.query(conn, trx.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE');
      return trx;
    }

    /** The pool's one connection, once a query has run on it (so its settings are in place). */
    private current: Database | undefined;

    /**
     * The rows of a read run at once on the connection, or undefined when
     * that would not be the same as queueing for it through knex: no open
     * connection yet, a transaction open on it (its writes are not committed,
     * and a read from outside must not see them), not a read, or SQLite busy
     * (the queued path waits asynchronously). With no transaction open,
     * nothing can be half-way through on the connection: better-sqlite3 runs
     * each statement synchronously.
     */
    readNow(sql: string, bindings: readonly unknown[]): unknown[] | undefined {
      const conn = this.current;
      if (!conn?.open || conn.inTransaction) return undefined;
      const statement = preparedOn(conn, sql);
      if (!statement.reader) return undefined;
      try {
        return statement.all(this._formatBindings(bindings));
      } catch (err) {
        if (isBusy(err)) return undefined;
        throw err;
      }
    }

    /**
     * Runs `work` in one BEGIN IMMEDIATE transaction, synchronously, so
     * nothing else runs on the connection between its statements. At once
     * when no transaction is open on the connection (as readNow); otherwise
     * (another request's transaction is between statements, or no connection
     * yet) after queueing for the connection in knex's pool. A busy BEGIN (a
     * lock held by another process) is tried again after an asynchronous
     * pause, like _query, until the budget is spent: `work` starts over, and
     * a failed attempt has been rolled back.
     */
    async inWriteTransaction<T>(work: (run: (s: Statement) => StatementResult) => T): Promise<T> {
      const deadline = Date.now() + budgetMs;
      return untilNotBusy(deadline, () => {
        const conn = this.current;
        if (conn?.open && !conn.inTransaction) return this.transactOn(conn, work);
        return this.queued(work, deadline);
      });
    }

    private async queued<T>(work: (run: (s: Statement) => StatementResult) => T, deadline: number): Promise<T> {
      const conn: Database = await this.acquireConnection();
      try {
        this.current = conn;
        return await untilNotBusy(deadline, () => this.transactOn(conn, work));
      } finally {
        this.releaseConnection(conn);
      }
    }

    private transactOn<T>(conn: Database, work: (run: (s: Statement) => StatementResult) => T): T {
      const run = ({ sql, bindings }: Statement): StatementResult => {
        const statement = preparedOn(conn, sql);
        const values = this._formatBindings(bindings);
        if (statement.reader) return { rows: statement.all(values) as StatementResult['rows'], changes: 0 };
        return { rows: [], changes: statement.run(values).changes };
      };
      return conn.transaction(() => work(run)).immediate();
    }

    async _query(conn: Database, obj: KnexQuery): Promise<unknown> {
      this.current = conn;
      // Inside a transaction a busy statement cannot start over: only the transaction as a whole could.
      if (conn.inTransaction) return this.runOnce(conn, obj);
      return untilNotBusy(Date.now() + budgetMs, () => this.runOnce(conn, obj));
    }

    /**
     * knex's better-sqlite3 `_query`, with the statement taken from the
     * connection's cache when the query has bindings. MikroORM writes its
     * values into the SQL text (so its statements rarely repeat and are
     * prepared each time, as before); queries written with knex keep theirs
     * as bindings, and their text repeats. A query that sets safeIntegers
     * would change a shared statement: it is prepared on its own.
     */
    private async runOnce(conn: Database, obj: KnexQuery): Promise<KnexQuery> {
      if (!obj.sql) throw new Error('The query is empty');
      const own = obj.options?.safeIntegers !== undefined || !obj.bindings?.length;
      if (own) return super._query(conn, obj);
      const statement = preparedOn(conn, obj.sql);
      const bindings = this._formatBindings(obj.bindings);
      if (statement.reader) {
        obj.response = statement.all(bindings);
        return obj;
      }
      const response = statement.run(bindings);
      obj.response = response;
      obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
      return obj;
    }
  };
}

/**
 * A new connection's settings. WAL lets readers proceed during a write.
 * synchronous = NORMAL: a commit does not wait for fsync, which with a
 * synchronous driver would stall the event loop on every write (about 3 ms
 * each on this machine's disk); WAL stays consistent, but a power cut (not a
 * crash) can lose the last commits. It is also what SQLite picks when it opens
 * an existing WAL file (a connection that switches a file to WAL stays FULL),
 * so every start now behaves the same. Opening may wait the whole budget (it
 * happens at start-up, before any request); afterwards one attempt blocks at
 * most BLOCKING_WAIT_MS.
 */
export function prepareSqliteConnection(conn: Database, budgetMs: number): void {
  conn.pragma(`busy_timeout = ${budgetMs}`);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma(`busy_timeout = ${BLOCKING_WAIT_MS}`);
}
