// me, users, user, and the private parts of User; the rules of who sees
// whom are in accounts/user-directory.ts.
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { encodeCursor } from '../../accounts/user-directory';
import { User } from '../../entities';
import type { Context } from '../context';
import { PageInfo, UserConnection, UserEdge } from '../types/user-connection.type';
import { UsersArgs } from '../types/users.args';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.viewer();
  }

  @Authorized()
  @Query(() => UserConnection)
  // No class-validator constraints on UsersArgs (page() checks its bounds): without `validate: false`
  // type-graphql would run class-validator, and require() it again, on every page (README, Performance).
  async users(@Args({ validate: false }) args: UsersArgs, @Ctx() ctx: Context): Promise<UserConnection> {
    const page = await ctx.services.users.page(ctx.reader, await ctx.requireViewer(), args);
    const edges = page.users.map((node) => Object.assign(new UserEdge(), { cursor: encodeCursor(node.id), node }));
    return Object.assign(new UserConnection(), {
      edges,
      search: page.search,
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      }),
    });
  }

  @Authorized()
  @Query(() => User, { nullable: true })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.services.users.find(ctx.em, await ctx.viewer(), id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to the user themself and to staff; null for everyone else.' })
  email(@Root() user: User, @Ctx() ctx: Context): string | null | Promise<string | null> {
    // Once per row of a page: without a promise each when the viewer is known (it is, after users' own check).
    const known = ctx.knownViewer();
    if (known !== undefined) return ctx.services.users.visibleEmail(known, user);
    return ctx.viewer().then((viewer) => ctx.services.users.visibleEmail(viewer, user));
  }
}

@Resolver(() => UserConnection)
export class UserConnectionResolver {
  @FieldResolver(() => Int, { description: 'Users matching the search (all users without one).' })
  async totalCount(@Root() conn: UserConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.users.count(ctx.em, await ctx.viewer(), conn.search);
  }
}
