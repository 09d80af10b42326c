// DRF's users list behind IsAuthenticated, as the seed's UserViewSet serves
// it (HyperlinkedModelSerializer: url, username, email, is_staff;
// PageNumberPagination, PAGE_SIZE 20), over imported Django users, and
// JSONWebTokenAuthentication's answers to every kind of Authorization header.
import { BULK_USERS, type CompatServer, DJANGO_USERS, obtainToken, startCompatServer } from '../helpers/django-compat';
import { AUTH_SHAPES, DRF_SHAPES, expectShape, withCode } from '../helpers/drf-shapes';
import { decodePayload, signWith, tamper } from '../helpers/tokens';

const TOTAL = Object.keys(DJANGO_USERS).length + BULK_USERS;
let c: CompatServer;
let staff: string;
let member: string;
let origin: string;

beforeAll(async () => {
  c = await startCompatServer();
  origin = c.server.app.origin;
  staff = await obtainToken(c.rest, 'alice');
  member = await obtainToken(c.rest, 'bob');
});
afterAll(() => c.stop());

const expectRows = (results: unknown[]) => {
  for (const row of results) expectShape({ status: 200, body: row }, DRF_SHAPES.userRow);
};

test('pages of 20 with next and previous links as PageNumberPagination builds them', async () => {
  const first = await c.rest('GET', '/users/', { token: staff });
  expectShape(first, DRF_SHAPES.page);
  expect(first.body).toMatchObject({ count: TOTAL, next: `${origin}/users/?page=2`, previous: null });
  expect(first.body.results).toHaveLength(20);
  expectRows(first.body.results);
  expect(first.body.results[0]).toEqual({
    url: expect.stringMatching(new RegExp(`^${origin}/users/\\d+/$`)),
    username: 'alice',
    email: 'alice@example.com',
    is_staff: true,
  });

  const second = await c.rest('GET', '/users/?page=2', { token: staff });
  expect(second.body).toMatchObject({ count: TOTAL, next: null, previous: `${origin}/users/` });
  expect(second.body.results).toHaveLength(TOTAL - 20);
  expect((await c.rest('GET', '/users/?page=last', { token: staff })).body).toEqual(second.body);
  // Other query parameters are kept, keys sorted, as DRF's replace_query_param does.
  expect((await c.rest('GET', '/users?page=1&format=json', { token: staff })).body.next).toBe(`${origin}/users/?format=json&page=2`);
  expect((await c.rest('GET', '/users/?page=2&ordering=id', { token: staff })).body.previous).toBe(`${origin}/users/?ordering=id`);

  for (const page of ['3', '0', 'abc', '-1']) {
    expectShape(await c.rest('GET', `/users/?page=${page}`, { token: staff }), withCode(DRF_SHAPES.invalidPage, 'NOT_FOUND'));
  }
});

test('the same email privacy as GraphQL: a member sees their own address, "" for others; staff see all', async () => {
  const emails = async (token: string) =>
    Object.fromEntries(
      [...(await c.rest('GET', '/users/', { token })).body.results, ...(await c.rest('GET', '/users/?page=2', { token })).body.results].map(
        (r: { username: string; email: string }) => [r.username, r.email],
      ),
    );
  const seenByMember = await emails(member);
  expect(seenByMember.bob).toBe('bob@example.com');
  expect(Object.entries(seenByMember).filter(([name, email]) => name !== 'bob' && email !== '')).toEqual([]);
  const seenByStaff = await emails(staff);
  expect(seenByStaff).toMatchObject({ alice: 'alice@example.com', bob: 'bob@example.com', carol: '', user000004: 'user000004@example.com' });
  // Hidden is "", never null (Django stores "" for no email); otherwise exactly what GraphQL's users shows the same viewer.
  expect(Object.values(seenByMember).every((e) => typeof e === 'string')).toBe(true);
  const gql = await c.server.gql('{ users(first: 100) { edges { node { username email } } } }', {}, { token: member });
  expect(Object.fromEntries(gql.data.users.edges.map(({ node }: any) => [node.username, node.email ?? '']))).toEqual(seenByMember);
});

test('each url resolves to its user; writes are refused; the router root lists the endpoint', async () => {
  const { results } = (await c.rest('GET', '/users/', { token: member })).body;
  const detail = await fetch(results[1].url, { headers: { authorization: `JWT ${member}` } });
  expect(await detail.json()).toEqual(results[1]);
  const path = new URL(results[0].url).pathname;
  for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
    const res = await c.rest(method, path, { token: member, body: method === 'DELETE' ? undefined : { json: { username: 'x' } } });
    expect(res).toMatchObject({ status: 405, body: { detail: `Method "${method}" not allowed.`, code: 'BAD_REQUEST' } });
  }
  expectShape(await c.rest('GET', '/users/999999/', { token: member }), withCode(DRF_SHAPES.notFound, 'NOT_FOUND'));
  const root = await c.rest('GET', '/', { token: member });
  expectShape(root, DRF_SHAPES.root);
  expect(root.body.users).toBe(`${origin}/users/`);
});

test('Authorization: JWT and Bearer sign in; every other header answers as JSONWebTokenAuthentication does', async () => {
  expect((await c.rest('GET', '/users/', { token: member, scheme: 'Bearer' })).status).toBe(200);
  expect((await c.rest('GET', '/users/', { token: member, scheme: 'jwt' })).status).toBe(200);
  const cases: Array<[Record<string, string>, typeof AUTH_SHAPES.notProvided, string]> = [
    [{}, AUTH_SHAPES.notProvided, 'MISSING_TOKEN'],
    [{ authorization: `Token ${member}` }, AUTH_SHAPES.notProvided, 'MISSING_TOKEN'],
    [{ authorization: member }, AUTH_SHAPES.notProvided, 'MISSING_TOKEN'],
    [{ authorization: 'JWT' }, AUTH_SHAPES.noCredentials, 'TOKEN_INVALID'],
    [{ authorization: `JWT ${member} extra` }, AUTH_SHAPES.spaces, 'TOKEN_INVALID'],
    [{ authorization: 'JWT garbage' }, AUTH_SHAPES.decodeError, 'TOKEN_INVALID'],
    [{ authorization: `JWT ${tamper(member, { username: 'alice' })}` }, AUTH_SHAPES.decodeError, 'TOKEN_INVALID'],
    [{ authorization: `JWT ${signWith({ ...decodePayload(member), exp: 1000, iat: 900 })}` }, AUTH_SHAPES.expired, 'TOKEN_EXPIRED'],
  ];
  for (const [headers, shape, reason] of cases) {
    const res = await c.rest('GET', '/users/', { client: 'postman', headers });
    expectShape(res, withCode(shape, 'UNAUTHENTICATED', reason));
    expect(res.headers.get('www-authenticate')).toBe('JWT realm="api"');
  }
});
