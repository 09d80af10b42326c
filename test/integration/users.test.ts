// The protected users list and user query: auth, keyset pagination, search,
// and who may see an email.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { USERS } from '../helpers/operations';
import { firstError, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let viewer: Awaited<ReturnType<typeof registerUser>>;
let staff: Awaited<ReturnType<typeof registerUser>>;
const names = ['ann', 'Annabel', 'bob', 'carol', 'dave', 'erin', 'frank', 'per_cent'];

beforeAll(async () => {
  server = await startTestServer();
  viewer = await registerUser(server, { username: 'viewer' });
  staff = await registerUser(server, { username: 'staffer' });
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(staff.user.id) }, { isStaff: true });
  for (const username of names) await registerUser(server, { username, email: `${username}@example.test` });
});
afterAll(() => server.stop());

const list = (vars: Record<string, unknown>, token = viewer.token) => server.gql(USERS, vars, { token });

test('anonymous callers get UNAUTHENTICATED', async () => {
  const res = await server.gql(USERS, { first: 5 });
  expect(firstError(res)?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' });
});

test('pages through every user with cursors, in a stable order', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const res: any = await list({ first: 3, after });
    expect(res.errors).toBeUndefined();
    const conn = res.data.users;
    expect(conn.totalCount).toBe(names.length + 2);
    expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
    seen.push(...conn.edges.map((e: any) => e.node.username));
    pages += 1;
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  expect(pages).toBe(4);
  expect(seen).toEqual(['viewer', 'staffer', ...names]);
});

test("other users' emails are null; the viewer's own email is visible", async () => {
  const res = await list({ first: 100 });
  for (const { node } of res.data.users.edges) {
    expect(node.email).toBe(node.id === viewer.user.id ? viewer.email : null);
  }
});

test('staff see every email', async () => {
  const res = await list({ first: 100 }, staff.token);
  expect(res.data.users.edges.every((e: any) => typeof e.node.email === 'string')).toBe(true);
});

test('search is a case-insensitive prefix of username or name (email too, for staff); wildcards are literal', async () => {
  const usernames = async (search: string) => (await list({ search })).data.users.edges.map((e: any) => e.node.username);
  expect(await usernames('ANN')).toEqual(['ann', 'Annabel']);
  expect(await usernames('nn')).toEqual([]);
  expect(await usernames('per_')).toEqual(['per_cent']);
  expect(await usernames('pe__')).toEqual([]);
  expect(await usernames('%')).toEqual([]);
  expect(await usernames('!')).toEqual([]);
  expect((await list({ search: 'ann' })).data.users.totalCount).toBe(2);
});

test('first outside 1..100 and foreign cursors are BAD_USER_INPUT naming the argument', async () => {
  expect(firstError(await list({ first: 0 }))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  expect(firstError(await list({ first: 101 }))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  expect(firstError(await list({ after: 'bm9wZQ' }))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
});

test('first defaults to 20', async () => {
  const res = await server.gql(`{ users { edges { node { id } } } }`, {}, { token: viewer.token });
  expect(res.data.users.edges).toHaveLength(names.length + 2);
});

test('user(id) needs a signed-in user and hides emails like users', async () => {
  const q = `query($id: ID!) { user(id: $id) { username email } }`;
  expect(firstError(await server.gql(q, { id: staff.user.id }))?.extensions?.code).toBe('UNAUTHENTICATED');
  expect((await server.gql(q, { id: staff.user.id }, { token: viewer.token })).data.user).toEqual({ username: 'staffer', email: null });
  expect((await server.gql(q, { id: viewer.user.id }, { token: viewer.token })).data.user.email).toBe(viewer.email);
  expect((await server.gql(q, { id: '999999' }, { token: viewer.token })).data.user).toBeNull();
  expect((await server.gql(q, { id: 'abc' }, { token: viewer.token })).data.user).toBeNull();
});
