// Reading the audit log (staff): newest first, keyset-paginated by id (ids
// only grow, so a page never shifts when rows are added), filtered by the
// account concerned (as actor or subject), the action and a start time.
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { AuditEvent } from '../entities';
import { badInput } from '../errors';

export interface AuditFilter {
  first: number;
  after?: string | null;
  userId?: number | null;
  action?: string | null;
  since?: Date | null;
}

export interface AuditPage {
  rows: AuditEvent[];
  hasNextPage: boolean;
}

export const AUDIT_PAGE_MAX = 100;
const cursorOf = (row: AuditEvent): string => Buffer.from(`audit:${row.id}`).toString('base64url');

export class AuditQuery {
  cursor = cursorOf;

  async page(em: EntityManager, filter: AuditFilter): Promise<AuditPage> {
    if (filter.first < 1 || filter.first > AUDIT_PAGE_MAX) throw badInput('first', `Ask for 1–${AUDIT_PAGE_MAX} rows.`);
    const where: FilterQuery<AuditEvent>[] = [];
    if (filter.after) where.push({ id: { $lt: decode(filter.after) } });
    if (filter.userId != null) where.push({ $or: [{ userId: filter.userId }, { actorId: filter.userId }] });
    if (filter.action) where.push({ action: filter.action });
    if (filter.since) where.push({ at: { $gte: filter.since } });
    const rows = await em.find(AuditEvent, where.length > 0 ? { $and: where } : {}, { orderBy: { id: 'desc' }, limit: filter.first + 1 });
    return { rows: rows.slice(0, filter.first), hasNextPage: rows.length > filter.first };
  }
}

function decode(cursor: string): number {
  const m = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badInput('after', 'Not a cursor from this list.');
  return Number(m[1]);
}
