// me, users, user, and the private parts of User. The users list is keyset
// paginated on id (WHERE id > cursor), so a deep page costs what the first does.
import type { QueryBuilder } from '@mikro-orm/knex';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { User } from '../../entities';
import { badInput } from '../../errors';
import { excludePending, visibleUser } from '../../accounts/pending-accounts';
import { MAX_PAGE_SIZE, UsersArgs } from '../types/users.args';
import { PageInfo, UserConnection, UserEdge, type UserSearch } from '../types/user-connection.type';

const CURSOR_PREFIX = 'user:';
export const encodeCursor = (id: number): string => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0) throw badInput('after', 'Not a cursor from this list.');
  return id;
}

/**
 * The columns a page of users is read with: everything the User type shows,
 * never the password hash. Rows come back as plain objects (MikroORM maps
 * names and types): a read-only page needs no managed entities, and hydrating
 * 21 of them cost more CPU than the query itself (see README, Performance).
 */
const PAGE_FIELDS = ['id', 'username', 'email', 'emailVerified', 'firstName', 'lastName', 'isActive', 'isStaff', 'isSuperuser', 'dateJoined', 'lastLogin'] as const;

/**
 * Case-insensitive prefix match on username and names, and on email for staff
 * only: anyone else could read an address one letter at a time (from the
 * rows or from totalCount). `!` escapes LIKE wildcards.
 */
function applySearch(qb: QueryBuilder<User>, { text, emails }: UserSearch): void {
  if (!text) return;
  const pattern = `${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
  const cols = ['username_key', ...(emails ? ['email_key'] : []), 'lower(first_name)', 'lower(last_name)'];
  qb.andWhere(`(${cols.map((c) => `${c} like ? escape '!'`).join(' or ')})`, cols.map(() => pattern));
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.viewer();
  }

  @Authorized()
  @Query(() => UserConnection)
  async users(
    @Args() { first: requested, after, search }: UsersArgs,
    @Ctx() ctx: Context,
  ): Promise<UserConnection> {
    const first = requested ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput('first', `\`first\` must be between 1 and ${MAX_PAGE_SIZE}.`);
    if (search && search.length > 254) throw badInput('search', 'The search text is too long.');
    const afterId = after ? decodeCursor(after) : 0;
    const viewer = await ctx.requireViewer();
    const userSearch: UserSearch = { text: search ?? null, emails: viewer.isStaff || viewer.isSuperuser };
    const qb = ctx.em.createQueryBuilder(User);
    qb.select([...PAGE_FIELDS]).where({ id: { $gt: afterId } }).orderBy({ id: 'asc' }).limit(first + 1);
    applySearch(qb, userSearch);
    await excludePending(qb, ctx);
    // type-graphql turns anything that is not `instanceof User` into `new User()`,
    // and the entity constructor runs MikroORM's per-property setters: giving
    // the plain rows User's prototype skips ~20 of those per page.
    const rows = ((await qb.execute('all', true)) as object[]).map((row) => Object.setPrototypeOf(row, User.prototype) as User);
    const page = rows.slice(0, first);
    const edges = page.map((node) => Object.assign(new UserEdge(), { cursor: encodeCursor(node.id), node }));
    return Object.assign(new UserConnection(), {
      edges,
      search: userSearch,
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: rows.length > first,
        hasPreviousPage: afterId > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      }),
    });
  }

  @Authorized()
  @Query(() => User, { nullable: true })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<User | null> {
    if (!/^\d{1,15}$/.test(id)) return null;
    return visibleUser(ctx, await ctx.em.findOne(User, { id: Number(id) }));
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to the user themself and to staff; null for everyone else.' })
  async email(@Root() user: User, @Ctx() ctx: Context): Promise<string | null> {
    const viewer = await ctx.viewer();
    if (!viewer) return null;
    return viewer.id === user.id || viewer.isStaff || viewer.isSuperuser ? (user.email ?? null) : null;
  }
}

@Resolver(() => UserConnection)
export class UserConnectionResolver {
  @FieldResolver(() => Int, { description: 'Users matching the search (all users without one).' })
  async totalCount(@Root() conn: UserConnection, @Ctx() ctx: Context): Promise<number> {
    const qb = ctx.em.createQueryBuilder(User);
    applySearch(qb, conn.search);
    await excludePending(qb, ctx);
    return qb.getCount();
  }
}
