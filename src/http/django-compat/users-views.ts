// DRF's users endpoints as its README example and the seed define them: a
// HyperlinkedModelSerializer (url, username, email, is_staff) behind
// IsAuthenticated, PageNumberPagination with PAGE_SIZE 20, and the router's
// root. Read-only here (DRF's ModelViewSet let any signed-in user edit or
// delete anyone). Who sees which email is authql's one rule; hidden is "",
// as Django stores "no email", never null.
import type { User } from '../../entities';
import { detailError, ok, TEXT } from './answers';
import type { CompatRequest, Route, View } from './route';

export const PAGE_SIZE = 20;

const row = (r: CompatRequest, viewer: User, user: User) => ({
  url: `${r.base}/users/${user.id}/`,
  username: user.username,
  email: r.services.users.visibleEmail(viewer, user) ?? '',
  is_staff: user.isStaff,
});

/** `?page=` as Django's paginator reads it: none is 1, `last` is the last; anything else not a page number is no page. */
function pageNumber(raw: string | undefined): number | 'last' | null {
  if (raw === undefined || raw === '') return 1;
  if (raw === 'last') return 'last';
  return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

/** DRF's replace_query_param / remove_query_param: the same URL with `page` set (dropped for page 1), keys sorted. */
export function pageLink(url: string, query: URLSearchParams, page: number): string {
  const params = new URLSearchParams(query);
  if (page === 1) params.delete('page');
  else params.set('page', String(page));
  params.sort();
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

const list: View = async (r) => {
  const viewer = await r.requireUser();
  const number = pageNumber(r.query.getAll('page').at(-1));
  const page = number === null ? null : await r.services.users.numbered(r.ctx.em, viewer, number, PAGE_SIZE);
  if (!page) throw detailError(404, 'Invalid page.', 'NOT_FOUND');
  const self = `${r.base}/users/`;
  return ok({
    count: page.count,
    next: page.page < page.pages ? pageLink(self, r.query, page.page + 1) : null,
    previous: page.page > 1 ? pageLink(self, r.query, page.page - 1) : null,
    results: page.users.map((u) => row(r, viewer, u)),
  });
};

const detail: View = async (r) => {
  const viewer = await r.requireUser();
  const user = await r.services.users.find(r.ctx.em, viewer, r.params.pk);
  if (!user) throw detailError(404, TEXT.notFound, 'NOT_FOUND');
  return ok(row(r, viewer, user));
};

const root: View = async (r) => {
  await r.requireUser();
  return ok({ users: `${r.base}/users/` });
};

export const userRoutes: readonly Route[] = [
  { name: 'api-root', paths: ['/'], views: { GET: root } },
  { name: 'users-list', paths: ['/users/'], views: { GET: list } },
  { name: 'users-detail', pattern: /^\/users\/(?<pk>\d{1,15})\/$/, views: { GET: detail } },
];
