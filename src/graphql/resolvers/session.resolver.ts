// The viewer's signed-in devices, and ending one of them.
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { SessionInfo } from '../types/session.type';

@Resolver()
export class SessionResolver {
  @Authorized()
  @Query(() => [SessionInfo], { name: 'sessions', description: "The viewer's live sessions, most recently used first." })
  async sessions(@Ctx() ctx: Context): Promise<SessionInfo[]> {
    const rows = await ctx.services.userSessions.live(ctx.em, await ctx.requireViewer());
    const current = ctx.auth.kind === 'token' ? ctx.auth.claims.sid : undefined;
    return rows.map((s) =>
      Object.assign(new SessionInfo(), {
        id: s.id,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        expiresAt: s.expiresAt,
        userAgent: s.userAgent ?? null,
        ip: s.ip ?? null,
        current: s.id === current,
      }),
    );
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Ends one of the viewer's sessions. False when there is no such live session of theirs." })
  async revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.userSessions.revoke(ctx.em, await ctx.requireViewer(), id);
  }
}
