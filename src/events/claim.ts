// Claiming due deliveries so that each is attempted by one worker at a time,
// however many replicas run. The due rows are picked and stamped with a lease
// (`claimedUntil`) in one transaction: on PostgreSQL the pick takes row locks
// with SKIP LOCKED, so two replicas pick disjoint rows without waiting; on
// SQLite the transaction starts IMMEDIATE (db/sqlite-client.ts), the single
// writer, so picks never interleave. A lease that lapses (a killed process)
// makes the row due again: nothing is lost, and the receiver deduplicates the
// rare second attempt with webhook-id.
import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { isPostgres } from '../db/dialect';
import { WebhookDelivery } from '../entities';

export async function claimDue(em: SqlEntityManager, limit: number, leaseMs: number, now = new Date()): Promise<number[]> {
  const postgres = isPostgres(em.getDriver());
  return em.transactional(async (tx) => {
    const due = await tx.find(
      WebhookDelivery,
      { status: 'pending', nextAttemptAt: { $lte: now }, endpoint: { enabled: true }, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] },
      {
        fields: ['id'],
        orderBy: { nextAttemptAt: 'asc', id: 'asc' },
        limit,
        ...(postgres ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, lockTableAliases: ['w0'] } : {}),
      },
    );
    const ids = due.map((d) => d.id);
    if (ids.length > 0) await tx.nativeUpdate(WebhookDelivery, { id: { $in: ids } }, { claimedUntil: new Date(now.getTime() + leaseMs) });
    return ids;
  });
}
