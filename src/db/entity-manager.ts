// authql's EntityManager: MikroORM's own, without the AsyncLocalStorage it
// runs on every flush and every transaction, and with the client the request
// acts for (ClientScope), which its forks inherit.
//
// Why: in Node 20 an AsyncLocalStorage that has run once turns on a promise
// hook for every promise the process makes from then on. MikroORM 6 runs two:
// the unit of work marks the inside of a flush (so a flush asked for from an
// entity hook during one is refused, and find() does not auto-flush there),
// and TransactionContext binds the global EntityManager to a transaction's
// fork. With them (and the audit log's scope, which is ClientScope now) on,
// verifyToken cost 26 % more CPU on PostgreSQL and 12 % more on SQLite (README,
// Performance). authql needs neither: its flushes run on an EntityManager of
// their own and never from inside another (the subscribers in entities/ only
// query), and every transaction callback uses the fork it is handed, never the
// global EntityManager (which refuses such use: allowGlobalContext is off).
// test/integration/promise-hooks.test.ts shows the hook stays off.
import { type EntityMetadata, TransactionEventBroadcaster, TransactionManager, type TransactionOptions, UnitOfWork } from '@mikro-orm/core';
import { SqlEntityManager } from '@mikro-orm/knex';

/** Whom rows written through an EntityManager name as the client (the audit log). */
export interface ClientScope {
  ip?: string | null;
  userAgent?: string | null;
  /** Who acts when no user does: `cli` for manage commands; `system` otherwise. */
  actor?: 'cli' | 'system';
}

/** The parts of MikroORM's UnitOfWork that commit() below drives (private in its typings). */
interface CommitState {
  working: boolean;
  flushQueue: (() => Promise<void>)[];
  doCommit(): Promise<void>;
  postCommitCleanup(): void;
}

/** MikroORM's UnitOfWork with its commit() and shouldAutoFlush() minus the AsyncLocalStorage. */
class PlainUnitOfWork extends UnitOfWork {
  override async commit(): Promise<void> {
    const uow = this as unknown as CommitState;
    // A flush asked for while one runs: queued behind it, as MikroORM does for other work on the same EntityManager.
    if (uow.working) return new Promise((resolve, reject) => uow.flushQueue.push(() => uow.doCommit().then(resolve, reject)));
    try {
      uow.working = true;
      await uow.doCommit();
      while (uow.flushQueue.length > 0) await uow.flushQueue.shift()?.();
    } finally {
      uow.postCommitCleanup();
      uow.working = false;
    }
  }

  // No auto-flush while a flush runs (MikroORM: inside the flush; queries of the subscribers' onFlush are).
  override shouldAutoFlush<T extends object>(meta: EntityMetadata<T>): boolean {
    return !(this as unknown as CommitState).working && super.shouldAutoFlush(meta);
  }
}

/** What processTransaction() below calls of MikroORM's TransactionManager (private in its typings). */
interface TransactionFlow {
  shouldPropagateToUpperContext(em: SqlEntityManager): boolean;
  executeTransactionFlow(fork: SqlEntityManager, cb: unknown, propagateToUpperContext: boolean, parent: SqlEntityManager): Promise<unknown>;
}

/**
 * MikroORM's TransactionManager (propagation, savepoints, the fork's entities
 * merged back) with its processTransaction() minus `TransactionContext.create`:
 * the rest of that method is MikroORM 6.6.16's (package.json pins it).
 */
class PlainTransactionManager extends TransactionManager {}
Object.defineProperty(PlainTransactionManager.prototype, 'processTransaction', {
  value: async function processTransaction(
    this: TransactionFlow,
    em: SqlEntityManager,
    fork: SqlEntityManager,
    cb: unknown,
    options: TransactionOptions,
  ): Promise<unknown> {
    const propagateToUpperContext = this.shouldPropagateToUpperContext(em);
    const eventBroadcaster = new TransactionEventBroadcaster(fork, undefined, { topLevelTransaction: !options.ctx });
    return fork.getConnection().transactional(
      async (trx) => {
        fork.setTransactionContext(trx);
        return this.executeTransactionFlow(fork, cb, propagateToUpperContext, em);
      },
      { ...options, eventBroadcaster },
    );
  },
});

export class AuthqlEntityManager extends SqlEntityManager {
  /** The client rows written through this EntityManager and its forks name; none: the system. */
  scope: ClientScope | undefined;

  constructor(...args: ConstructorParameters<typeof SqlEntityManager>) {
    super(...args);
    // The unit of work the constructor made, as a PlainUnitOfWork (it adds methods, no state).
    Object.setPrototypeOf(this.getUnitOfWork(false), PlainUnitOfWork.prototype);
  }

  override fork(options?: Parameters<SqlEntityManager['fork']>[0]): this {
    const fork = super.fork(options) as this;
    fork.scope = this.scope;
    return fork;
  }

  override async transactional<T>(cb: (em: this) => T | Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // As MikroORM's transactional(): an EntityManager with transactions turned off runs the callback as it is.
    const disabled = (em: object) => (em as { disableTransactions?: boolean }).disableTransactions === true;
    const em = this.getContext(false);
    if (disabled(this) || disabled(em)) return cb(em);
    return new PlainTransactionManager(this).handle(cb as (em: unknown) => T | Promise<T>, options);
  }
}

/** A fork of `em` whose writes name `scope` as the client. */
export function scopedFork(em: { fork(): unknown }, scope: ClientScope): AuthqlEntityManager {
  const fork = em.fork() as AuthqlEntityManager;
  fork.scope = scope;
  return fork;
}

/** The client an EntityManager's rows name (undefined: the system). */
export const scopeOf = (em: object): ClientScope | undefined => (em instanceof AuthqlEntityManager ? em.scope : undefined);
