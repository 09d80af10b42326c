// The one writer of audit rows. record() puts a row in the caller's unit of
// work, so it is written by the same flush (one transaction) as the change it
// describes and vanishes with it on a rollback; recordAlone() writes at once,
// for what changes nothing else (a failed sign-in). The client's IP and user
// agent come from the EntityManager the row is written through: a request's
// own carries its client (graphql/context.ts), a manage command's says `cli`
// (db/entity-manager.ts, ClientScope; forks inherit it), so no service
// signature has to carry them.
import type { EntityManager } from '@mikro-orm/core';
import { scopeOf } from '../db/entity-manager';
import { type AuditActor, AuditEvent, type AuditOutcome, type User } from '../entities';
import type { AuditAction } from './actions';

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
  /** Adds the row to `em`'s unit of work: the caller's next flush writes it with the change. */
  record(em: EntityManager, entry: AuditEntry): void {
    em.persist(this.row(em, entry));
  }

  /** Writes the row now, in its own transaction (on a fork of `em`, which names the same client). */
  async recordAlone(em: EntityManager, entry: AuditEntry): Promise<void> {
    const fork = em.fork();
    await fork.persist(this.row(fork, entry)).flush();
  }

  private row(em: EntityManager, entry: AuditEntry): AuditEvent {
    const scope = scopeOf(em);
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
