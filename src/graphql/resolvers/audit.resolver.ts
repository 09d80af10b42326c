// The audit log for staff: newest first, keyset pages (audit/audit-query.ts).
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AuditEventConnection, AuditEventsArgs } from '../types/audit.type';

@Resolver()
export class AuditResolver {
  @Authorized('STAFF')
  @Query(() => AuditEventConnection, { description: 'Staff only. Who did what, when, newest first.' })
  async auditEvents(@Args() args: AuditEventsArgs, @Ctx() ctx: Context): Promise<AuditEventConnection> {
    const { auditQuery } = ctx.services;
    const { rows, hasNextPage } = await auditQuery.page(ctx.em, args);
    const edges = rows.map((node) => ({ cursor: auditQuery.cursor(node), node }));
    return {
      edges,
      pageInfo: { hasNextPage, hasPreviousPage: !!args.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }
}
