// The audit log: a row for each listed action, with the actor, the account
// concerned, the client's IP and user agent and the outcome; staff only,
// newest first, keyset-paginated and filtered.
import { User } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

const AUDIT = `query($first: Int, $after: String, $userId: Int, $action: String, $since: DateTime) {
  auditEvents(first: $first, after: $after, userId: $userId, action: $action, since: $since) {
    edges { cursor node { id at actor actorId action userId target ip userAgent outcome detail } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let server: TestServer;
let staff: Awaited<ReturnType<typeof registerUser>>;
let root: Awaited<ReturnType<typeof registerUser>>;

interface Row {
  actor: string;
  actorId: number | null;
  action: string;
  userId: number | null;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

async function rowsFor(userId: string): Promise<Row[]> {
  const res = await server.gql(AUDIT, { first: 100, userId: Number(userId) }, { token: staff.token });
  expect(res.errors).toBeUndefined();
  return res.data.auditEvents.edges.map((e: { node: Row }) => e.node);
}

beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  staff = await registerUser(server, { username: 'staffer' });
  root = await registerUser(server, { username: 'rootie' });
  const em = server.app.orm.em.fork();
  await em.nativeUpdate(User, { id: Number(staff.user.id) }, { isStaff: true });
  await em.nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
});
afterAll(() => server.stop());

test('a user’s own actions each leave a row, naming the client, newest first', async () => {
  const u = await registerUser(server);
  const ua = { 'user-agent': 'audit-test/1.0' };
  expect(errorCode(await server.gql(LOGIN, { username: u.user.username, password: 'wrong password here' }, { headers: ua }))).toBe('INVALID_CREDENTIALS');
  const login = await server.gql(LOGIN, { username: u.user.username, password: GOOD_PASSWORD }, { headers: ua });
  const token = login.data.login.token;
  await server.gql(`mutation($i: UpdateMeInput!) { updateMe(input: $i) { id } }`, { i: { firstName: 'Ada' } }, { token });
  await server.gql(`mutation($i: UpdateMeInput!) { updateMe(input: $i) { id } }`, { i: { email: `new-${u.email}`, password: GOOD_PASSWORD } }, { token });
  const changed = await server.gql(
    `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { token } }`,
    { o: GOOD_PASSWORD, n: 'another good passphrase 42' },
    { token, headers: ua },
  );
  expect(changed.errors).toBeUndefined();
  await server.gql(`mutation { logout(everywhere: true) }`, {}, { token: changed.data.changePassword.token, headers: ua });

  const rows = await rowsFor(u.user.id);
  expect(rows.map((r) => r.action)).toEqual(['sign_out', 'password.changed', 'email.changed', 'profile.updated', 'sign_in', 'sign_in', 'user.registered']);
  const signIn = rows.find((r) => r.action === 'sign_in')!;
  expect(signIn).toMatchObject({ actor: 'user', actorId: Number(u.user.id), ip: '127.0.0.1', userAgent: 'audit-test/1.0', outcome: 'success' });
  expect(signIn.detail.method).toBe('password');
  expect(rows.find((r) => r.action === 'email.changed')!.detail).toEqual({ fields: ['email'] });
  expect(rows.find((r) => r.action === 'sign_out')!.detail).toEqual({ all: true });
  // The failed attempt is anonymous, names the account that was tried and the error code.
  const failed = await server.gql(AUDIT, { first: 5, action: 'sign_in' }, { token: staff.token });
  const failure = failed.data.auditEvents.edges.map((e: { node: Row }) => e.node).find((r: Row) => r.outcome === 'failure');
  expect(failure).toMatchObject({
    actor: 'anonymous',
    actorId: null,
    userId: Number(u.user.id),
    userAgent: 'audit-test/1.0',
    detail: { method: 'password', code: 'INVALID_CREDENTIALS' },
  });
  expect(rows.filter((r) => r.action === 'sign_in').map((r) => r.outcome)).toEqual(['success', 'failure']);
  // No secret in any row.
  expect(JSON.stringify(rows)).not.toContain(GOOD_PASSWORD);
});

test('staff and superuser actions on users, social apps and webhooks are audited with the actor', async () => {
  const created = await server.gql(
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    { i: { username: 'made-by-staff' } },
    { token: staff.token },
  );
  const id = created.data.createUser.id;
  await server.gql(
    `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }`,
    { id, i: { lastName: 'L', isActive: false } },
    { token: staff.token },
  );
  await server.gql(`mutation($id: ID!) { deleteUser(id: $id) }`, { id }, { token: staff.token });
  const rows = await rowsFor(id);
  expect(rows.map((r) => [r.action, r.actorId])).toEqual([
    ['staff.user_deleted', Number(staff.user.id)],
    ['staff.user_updated', Number(staff.user.id)],
    ['staff.user_created', Number(staff.user.id)],
  ]);
  expect(rows[1].detail.fields).toEqual(expect.arrayContaining(['lastName', 'isActive']));

  const app = await server.gql(
    `mutation($i: SocialAppInput!) { createSocialApp(input: $i) { id } }`,
    { i: { provider: 'GOOGLE', name: 'Google', clientId: 'client-1.apps.googleusercontent.com' } },
    { token: root.token },
  );
  expect(app.errors).toBeUndefined();
  const apps = await server.gql(AUDIT, { first: 1, action: 'staff.social_app_created' }, { token: staff.token });
  expect(apps.data.auditEvents.edges[0].node).toMatchObject({ actorId: Number(root.user.id), target: `socialApp:${app.data.createSocialApp.id}` });
});

test('staff only; keyset pages do not overlap and end; since filters by time', async () => {
  const plain = await registerUser(server);
  expect(errorCode(await server.gql(AUDIT, { first: 5 }, { token: plain.token }))).toBe('FORBIDDEN');
  expect(errorCode(await server.gql(AUDIT, { first: 5 }))).toBe('UNAUTHENTICATED');
  const seen: number[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = await server.gql(AUDIT, { first: 3, after }, { token: staff.token });
    const ids = page.data.auditEvents.edges.map((e: { node: { id: string } }) => Number(e.node.id));
    seen.push(...ids);
    if (!page.data.auditEvents.pageInfo.hasNextPage) break;
    after = page.data.auditEvents.pageInfo.endCursor;
  }
  expect(seen).toEqual([...seen].sort((a, b) => b - a));
  expect(new Set(seen).size).toBe(seen.length);
  const future = await server.gql(AUDIT, { first: 5, since: new Date(Date.now() + 60_000).toISOString() }, { token: staff.token });
  expect(future.data.auditEvents.edges).toEqual([]);
  expect(errorCode(await server.gql(AUDIT, { first: 5, after: 'bogus' }, { token: staff.token }))).toBe('BAD_USER_INPUT');
});
