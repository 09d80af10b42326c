// Mass assignment through every input, non-staff probing staff operations,
// other users' private fields, and passwords kept exactly as typed.
import { User } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let plain: Awaited<ReturnType<typeof registerUser>>;
let other: Awaited<ReturnType<typeof registerUser>>;
const secrets = new SecretLog();

beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  plain = await registerUser(server, { username: 'plainuser' });
  other = await registerUser(server, { username: 'otheruser' });
  for (const u of [plain, other]) [u.password, u.token, u.refreshToken].forEach((x) => secrets.add(x));
});
afterAll(() => server.stop());

const FORBIDDEN_KEYS = [
  { isStaff: true },
  { isSuperuser: true },
  { tokenVersion: 0 },
  { password_hash: 'x' },
  { id: 1 },
  JSON.parse('{"__proto__": {"isStaff": true}}'),
  { constructor: { prototype: { isStaff: true } } },
];
const INPUTS: Array<[string, string, Record<string, unknown>, boolean]> = [
  [
    'RegisterInput',
    `mutation($i: RegisterInput!) { register(input: $i) { user { id } } }`,
    { username: 'massassign', email: 'mass@example.test', password: GOOD_PASSWORD },
    false,
  ],
  ['UpdateMeInput', `mutation($i: UpdateMeInput!) { updateMe(input: $i) { id } }`, { firstName: 'X' }, true],
  ['SocialAppInput', `mutation($i: SocialAppInput!) { createSocialApp(input: $i) { id } }`, { provider: 'KAKAO', name: 'k', clientId: 'c', key: '1' }, true],
];

test.each(INPUTS)('%s refuses fields it does not declare', async (_name, doc, valid, signedIn) => {
  for (const extra of FORBIDDEN_KEYS) {
    const res = await server.gql(doc, { i: { ...valid, ...extra } }, signedIn ? { token: plain.token } : {});
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  }
  const me = await server.app.orm.em.fork().findOneOrFail(User, Number(plain.user.id));
  expect([me.isStaff, me.isSuperuser]).toEqual([false, false]);
  expect(await server.app.orm.em.fork().count(User, { usernameKey: 'massassign' })).toBe(0);
});

test('inline literals with extra fields are refused too', async () => {
  const res = await server.gql(
    `mutation { register(input: { username: "lit", email: "lit@example.test", password: "a fine passphrase", isStaff: true }) { user { id } } }`,
  );
  expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
});

test('a non-staff user probing staff operations gets FORBIDDEN and changes nothing', async () => {
  const probes: Array<[string, Record<string, unknown>]> = [
    [`{ socialApps { id clientId } }`, {}],
    [`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { username: 'probe' } }],
    [`mutation($id: ID!) { updateUser(id: $id, input: { isStaff: true }) { id } }`, { id: plain.user.id }],
    [`mutation($id: ID!) { deleteUser(id: $id) }`, { id: other.user.id }],
    [`mutation($i: SocialAppInput!) { createSocialApp(input: $i) { id } }`, { i: { provider: 'KAKAO', name: 'k', clientId: 'c', key: '1' } }],
    [`mutation { deleteSocialApp(id: "1") }`, {}],
  ];
  for (const [doc, vars] of probes) expect(errorCode(await server.gql(doc, vars, { token: plain.token }))).toBe('FORBIDDEN');
  expect(await server.app.orm.em.fork().count(User, { id: Number(other.user.id) })).toBe(1);
});

test("other users' private fields stay private", async () => {
  const res = await server.gql(
    `query($id: ID!) { user(id: $id) { email emailVerified socialAccounts { id } } users(first: 100) { edges { node { id email socialAccounts { id } } } } }`,
    { id: other.user.id },
    { token: plain.token },
  );
  expect(res.data.user.email).toBeNull();
  expect(res.data.user.socialAccounts).toEqual([]);
  for (const { node } of res.data.users.edges) if (node.id !== plain.user.id) expect(node.email).toBeNull();
  expect(JSON.stringify(res)).not.toContain(other.email);
});

test.each([
  ['NFD', 'Cafe\u0301 au lait 42'],
  ['emoji', '🔐🦄 unicorn vault 🦄🔐'],
  ['space-padded', '   padded passphrase   '],
])('a %s password works exactly as typed, and only so', async (_name, password) => {
  secrets.add(password);
  const username = `typed${Math.random().toString(36).slice(2, 8)}`;
  expect((await server.gql(REGISTER, { input: { username, email: `${username}@example.test`, password } })).errors).toBeUndefined();
  expect((await server.gql(LOGIN, { username, password })).errors).toBeUndefined();
  for (const variant of [password.normalize('NFC'), password.normalize('NFD'), password.trim()].filter((v) => v !== password)) {
    expect(errorCode(await server.gql(LOGIN, { username, password: variant }))).toBe('INVALID_CREDENTIALS');
  }
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(server.logs.join(''))).toEqual([]);
});
