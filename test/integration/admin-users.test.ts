// Staff user management and its refusals.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, USERS } from '../helpers/operations';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username email isStaff isActive emailVerified } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id username isStaff isActive firstName } }`;
const DELETE = `mutation($id: ID!) { deleteUser(id: $id) }`;

let server: TestServer;
let plain: Awaited<ReturnType<typeof registerUser>>;
let staff: Awaited<ReturnType<typeof registerUser>>;
let root: Awaited<ReturnType<typeof registerUser>>;

beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  plain = await registerUser(server, { username: 'plain' });
  staff = await registerUser(server, { username: 'staff' });
  root = await registerUser(server, { username: 'root' });
  const em = server.app.orm.em.fork();
  await em.nativeUpdate(User, { id: Number(staff.user.id) }, { isStaff: true });
  await em.nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
});
afterAll(() => server.stop());

test('non-staff and anonymous callers are refused every staff operation', async () => {
  const ops: Array<[string, Record<string, unknown>]> = [
    [CREATE, { i: { username: 'x1' } }],
    [UPDATE, { id: plain.user.id, i: { firstName: 'X' } }],
    [DELETE, { id: plain.user.id }],
  ];
  for (const [q, v] of ops) {
    expect(errorCode(await server.gql(q, v, { token: plain.token }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(q, v))).toBe('UNAUTHENTICATED');
  }
});

test('staff create, update and delete ordinary users', async () => {
  const created = await server.gql(
    CREATE,
    { i: { username: 'made-by-staff', email: 'made@example.test', password: 'a decent password', emailVerified: true } },
    { token: staff.token },
  );
  expect(created.data.createUser).toMatchObject({ username: 'made-by-staff', email: 'made@example.test', isStaff: false, isActive: true, emailVerified: true });
  const id = created.data.createUser.id;
  expect((await server.gql(LOGIN, { username: 'made-by-staff', password: 'a decent password' })).errors).toBeUndefined();

  const updated = await server.gql(UPDATE, { id, i: { firstName: 'Made', username: 'renamed-by-staff' } }, { token: staff.token });
  expect(updated.data.updateUser).toMatchObject({ username: 'renamed-by-staff', firstName: 'Made' });
  expect(firstError(await server.gql(UPDATE, { id, i: { username: 'plain' } }, { token: staff.token }))?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'username',
  });

  expect((await server.gql(DELETE, { id }, { token: staff.token })).data.deleteUser).toBe(true);
  expect(firstError(await server.gql(DELETE, { id }, { token: staff.token }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
});

test('a password without a password: createUser makes an unusable one', async () => {
  const res = await server.gql(CREATE, { i: { username: 'nopass', email: 'nopass@example.test' } }, { token: staff.token });
  expect(res.errors).toBeUndefined();
  expect(errorCode(await server.gql(LOGIN, { username: 'nopass', password: '!' }))).toBe('INVALID_CREDENTIALS');
});

test('deactivating a user or setting their password ends their sessions', async () => {
  const victim = await registerUser(server);
  await server.gql(UPDATE, { id: victim.user.id, i: { isActive: false } }, { token: staff.token });
  expect(firstError(await server.gql(USERS, {}, { token: victim.token }))?.extensions?.reason).toBe('USER_INACTIVE');
  const other = await registerUser(server);
  await server.gql(UPDATE, { id: other.user.id, i: { password: 'set by the staff' } }, { token: staff.token });
  expect(errorCode(await server.gql(USERS, {}, { token: other.token }))).toBe('UNAUTHENTICATED');
  expect((await server.gql(LOGIN, { username: other.user.username, password: 'set by the staff' })).errors).toBeUndefined();
});

test('only superusers grant isStaff/isSuperuser or touch a superuser', async () => {
  expect(errorCode(await server.gql(CREATE, { i: { username: 'wannabe', isStaff: true } }, { token: staff.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(UPDATE, { id: plain.user.id, i: { isStaff: true } }, { token: staff.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(UPDATE, { id: staff.user.id, i: { isSuperuser: true } }, { token: staff.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(UPDATE, { id: root.user.id, i: { firstName: 'Pwned' } }, { token: staff.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(DELETE, { id: root.user.id }, { token: staff.token }))).toBe('FORBIDDEN');
  const granted = await server.gql(UPDATE, { id: plain.user.id, i: { isStaff: true } }, { token: root.token });
  expect(granted.data.updateUser.isStaff).toBe(true);
  await server.gql(UPDATE, { id: plain.user.id, i: { isStaff: false } }, { token: root.token });
});

test('staff cannot delete themselves through deleteUser', async () => {
  expect(errorCode(await server.gql(DELETE, { id: staff.user.id }, { token: staff.token }))).toBe('FORBIDDEN');
});

test('inputs carry no other fields (mass assignment is a validation error)', async () => {
  const res = await server.gql(
    CREATE,
    { i: { username: 'massive', tokenVersion: 5, password_hash: 'x', __proto__: { isStaff: true } } },
    { token: staff.token },
  );
  expect(errorCode(res)).toBe('BAD_USER_INPUT');
});
