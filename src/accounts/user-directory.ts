// Reading other users: a keyset-paginated list (WHERE id > cursor, so a deep
// page costs what the first does), DRF's numbered pages, its count, and one
// user by id. Three rules hold for every read:
// - an email address is shown to its user and to staff only (visibleEmail);
// - email is searched only for staff viewers: anyone else could read an
//   address one letter at a time (from the rows or from totalCount);
// - under ACCOUNT_EMAIL_VERIFICATION=mandatory an account nobody has ever
//   signed into whose email is unconfirmed is pending: it cannot sign in yet,
//   and other users do not see it (staff do). A registration with an email
//   that already had an account makes such an account too
//   (accounts/registration.ts), so hiding both keeps them apart from nobody.
import type { QueryBuilder, SqlEntityManager } from '@mikro-orm/knex';
import { type Binding, rawRows } from '../db/raw-query';
import { User } from '../entities';
import { loadedColumns, plainEntity } from '../entities/loaded-columns';
import { badInput } from '../errors';

/** The largest page; the query-cost guard prices an unreadable `first` at this. */
export const MAX_PAGE_SIZE = 100;

/** A page's search, kept so its count counts exactly what the page matched. */
export interface UserSearch {
  text: string | null;
  /** Whether email addresses are matched too (staff viewers only). */
  emails: boolean;
}

export interface UserPage {
  /** Plain rows with User's prototype (entities/loaded-columns.ts, plainEntity), at most `first`. */
  users: User[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  search: UserSearch;
}

/** One page of numbered(): its users, the count of all of them, and which page of how many it is. */
export interface NumberedPage {
  users: User[];
  count: number;
  page: number;
  pages: number;
}

const CURSOR_PREFIX = 'user:';
export const encodeCursor = (id: number): string => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0) throw badInput('after', 'Not a cursor from this list.');
  return id;
}

const isStaff = (viewer: User | null) => !!(viewer?.isStaff || viewer?.isSuperuser);
const isPending = (user: User) => !user.emailVerified && user.lastLogin == null;

/** A condition on the users table for a hand-written query or a query builder's andWhere. */
interface Condition {
  sql: string;
  bindings: Binding[];
}

export class UserDirectory {
  constructor(private readonly emailVerification: 'none' | 'optional' | 'mandatory') {}

  async page(em: SqlEntityManager, viewer: User, args: { first?: number | null; after?: string | null; search?: string | null }): Promise<UserPage> {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput('first', `\`first\` must be between 1 and ${MAX_PAGE_SIZE}.`);
    if (args.search && args.search.length > 254) throw badInput('search', 'The search text is too long.');
    const afterId = args.after ? decodeCursor(args.after) : 0;
    const search: UserSearch = { text: args.search ?? null, emails: isStaff(viewer) };
    // Every column but hidden and lazy ones (never the password hash); one text per kind of
    // page with the values as bindings (db/raw-query.ts): a query builder per request cost more than the query.
    const conditions = [{ sql: 'id > ?', bindings: [afterId] }, ...this.conditions(search, viewer)];
    const columns = loadedColumns(em.getMetadata().get(User.name))
      .columns.map((c) => `"${c}"`)
      .join(', ');
    const sql = `select ${columns} from users where ${conditions.map((c) => c.sql).join(' and ')} order by id asc limit ?`;
    const rows = (await rawRows(em, sql, [...conditions.flatMap((c) => c.bindings), first + 1])).map((row) => plainEntity(em, User, row));
    return { users: rows.slice(0, first), hasNextPage: rows.length > first, hasPreviousPage: afterId > 0, search };
  }

  /**
   * DRF's PageNumberPagination over the same rows and rules as page() (no
   * search): page `number` of `size` users by id, or the last one; null for a
   * page that does not exist. An OFFSET, as Django's paginator does, so a deep
   * page costs more than the keyset pages above.
   */
  async numbered(em: SqlEntityManager, viewer: User, number: number | 'last', size: number): Promise<NumberedPage | null> {
    const search: UserSearch = { text: null, emails: isStaff(viewer) };
    const count = await this.count(em, viewer, search);
    const pages = Math.max(1, Math.ceil(count / size));
    const page = number === 'last' ? pages : number;
    if (!Number.isSafeInteger(page) || page < 1 || page > pages) return null;
    const qb = em.createQueryBuilder(User);
    qb.select([...loadedColumns(em.getMetadata().get(User.name)).properties])
      .orderBy({ id: 'asc' })
      .limit(size)
      .offset((page - 1) * size);
    this.restrict(qb, search, viewer);
    const users = ((await qb.execute('all', true)) as object[]).map((row) => Object.setPrototypeOf(row, User.prototype) as User);
    return { users, count, page, pages };
  }

  /** The one email rule: the user themself and staff see the address; everyone else null. */
  visibleEmail(viewer: User | null, user: User): string | null {
    if (!viewer) return null;
    return viewer.id === user.id || isStaff(viewer) ? (user.email ?? null) : null;
  }

  /** Users matching the page's search (all users without one), as the viewer may see them. */
  count(em: SqlEntityManager, viewer: User | null, search: UserSearch): Promise<number> {
    const qb = em.createQueryBuilder(User);
    this.restrict(qb, search, viewer);
    return qb.getCount();
  }

  /** The user, or null when there is none or it is pending and the viewer is not staff (a pending account cannot be the viewer). */
  async find(em: SqlEntityManager, viewer: User | null, id: string): Promise<User | null> {
    if (!/^\d{1,15}$/.test(id)) return null;
    const user = await em.findOne(User, { id: Number(id) });
    if (!user || !isPending(user)) return user;
    return this.hidesPending(viewer) ? null : user;
  }

  private restrict(qb: QueryBuilder<User>, search: UserSearch, viewer: User | null): void {
    for (const c of this.conditions(search, viewer)) qb.andWhere(c.sql, c.bindings);
  }

  /** Case-insensitive prefix match on username and names (and email, see above); `!` escapes LIKE wildcards. Pending accounts hidden. */
  private conditions({ text, emails }: UserSearch, viewer: User | null): Condition[] {
    const found: Condition[] = [];
    if (text) {
      const pattern = `${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      const cols = ['username_key', ...(emails ? ['email_key'] : []), 'lower(first_name)', 'lower(last_name)'];
      found.push({ sql: `(${cols.map((c) => `${c} like ? escape '!'`).join(' or ')})`, bindings: cols.map(() => pattern) });
    }
    if (this.hidesPending(viewer)) found.push({ sql: '(email_verified = ? or last_login is not null)', bindings: [true] });
    return found;
  }

  private hidesPending(viewer: User | null): boolean {
    return this.emailVerification === 'mandatory' && !isStaff(viewer);
  }
}
