// The one writer of audit rows. record() puts a row in the caller's unit of
// work, so it is written by the same flush (one transaction) as the change it
// describes and vanishes with it on a rollback; recordAlone() writes at once,
// for what changes nothing else (a failed sign-in). The client's IP and user
// agent come from the request's scope (set once by the HTTP server, or `cli`
// by manage), so no service signature has to carry them.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/core';
import { type AuditActor, AuditEvent, type AuditOutcome, type User } from '../entities';
import type { AuditAction } from './actions';

export interface AuditScope {
  ip: string | null;
  userAgent: string | null;
  /** Who acts when no user does: `cli` for manage commands; `system` otherwise. */
  actor?: 'cli' | 'system';
}

export type AuditDetail = Readonly<Record<string, string | number | boolean | readonly string[] | null>>;

export interface AuditEntry {
  action: AuditAction;
  /** The signed-in user who acted; omitted: the scope's actor (cli/system), or anonymous for a failed sign-in. */
  actor?: Pick<User, 'id'> | 'anonymous';
  /** The account concerned (defaults to the actor's). */
  userId?: number | null;
  /** Anything else concerned, as kind:id. */
  target?: string;
  outcome?: AuditOutcome;
  detail?: AuditDetail;
}

const clip = (s: string | null | undefined, n: number): string | null => (s == null ? null : s.slice(0, n));

export class AuditLog {
  private readonly scope = new AsyncLocalStorage<AuditScope>();

  /** Runs `fn` (and everything it starts) with `scope` as the client every row names. */
  within<T>(scope: AuditScope, fn: () => T): T {
    return this.scope.run(scope, fn);
  }

  /** Adds the row to `em`'s unit of work: the caller's next flush writes it with the change. */
  record(em: EntityManager, entry: AuditEntry): void {
    em.persist(this.row(em, entry));
  }

  /** Writes the row now, in its own transaction. */
  async recordAlone(em: EntityManager, entry: AuditEntry): Promise<void> {
    const fork = em.fork();
    await fork.persist(this.row(fork, entry)).flush();
  }

  private row(em: EntityManager, entry: AuditEntry): AuditEvent {
    const scope = this.scope.getStore();
    const byUser = entry.actor !== undefined && entry.actor !== 'anonymous';
    const actor: AuditActor = byUser ? 'user' : entry.actor === 'anonymous' ? 'anonymous' : (scope?.actor ?? 'system');
    const actorId = byUser ? (entry.actor as Pick<User, 'id'>).id : null;
    return em.create(
      AuditEvent,
      {
        at: new Date(),
        actor,
        actorId,
        action: entry.action,
        userId: entry.userId !== undefined ? entry.userId : actorId,
        target: clip(entry.target, 100),
        ip: clip(scope?.ip, 64),
        userAgent: clip(scope?.userAgent, 300),
        outcome: entry.outcome ?? 'success',
        detail: { ...entry.detail },
      },
      { persist: false },
    );
  }
}
