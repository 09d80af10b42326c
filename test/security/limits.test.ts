// Oversized and expensive requests are refused before they cost anything.
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REGISTER } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let prod: TestServer;
let token: string;
const secrets = new SecretLog();

beforeAll(async () => {
  server = await startTestServer();
  prod = await startTestServer({ NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-tests' });
  const u = await registerUser(server);
  token = secrets.add(u.token);
  secrets.add(u.password);
});
afterAll(async () => {
  await server.stop();
  await prod.stop();
});

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const stillAlive = async () => expect((await server.gql('{ me { id } }')).status).toBe(200);

test('a 100 KB header is refused (431)', async () => {
  const res = await post(JSON.stringify({ query: '{ me { id } }' }), { 'x-padding': 'x'.repeat(100 * 1024) });
  expect(res.status).toBe(431);
  await stillAlive();
});

test('a 10 MB body is refused (413) without being read', async () => {
  const res = await post(Buffer.alloc(10 * 1024 * 1024, 0x20));
  expect(res.status).toBe(413);
  await stillAlive();
});

test('a 1 MB password is refused before any hashing', async () => {
  const huge = 'p'.repeat(1024 * 1024);
  expect((await post(JSON.stringify({ query: LOGIN, variables: { username: 'x', password: huge } }))).status).toBe(413);
  // Under the body limit but over the password limit: refused by length, no hash.
  const big = 'p'.repeat(50 * 1024);
  expect(errorCode(await server.gql(LOGIN, { username: 'x', password: big }))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await server.gql(REGISTER, { input: { username: 'bigpw', email: 'bigpw@example.test', password: big } }))).toBe('BAD_USER_INPUT');
});

test('a query 50 deep is refused', async () => {
  const deep = `{ ${'me { '.repeat(49)}id${' }'.repeat(49)} }`; // 49 objects and a leaf: 50 levels
  const res = await server.gql(deep, {}, { token });
  expect(res.status).toBe(400);
  expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(res.errors?.[0].message).toMatch(/nested 50 deep/);
});

test('10,000 aliases are refused, whichever limit is met first', async () => {
  const doc = `{ ${Array.from({ length: 10000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
  expect((await post(JSON.stringify({ query: doc }))).status).toBe(413); // ~150 KB body
  const roomy = await startTestServer({ GRAPHQL_MAX_BODY_BYTES: '1048576' });
  const roomier = await startTestServer({ GRAPHQL_MAX_BODY_BYTES: '1048576', GRAPHQL_MAX_TOKENS: '100000' });
  try {
    const r1 = await roomy.gql(doc);
    expect([r1.status, errorCode(r1)]).toEqual([400, 'BAD_USER_INPUT']);
    expect(r1.errors?.[0].message).toMatch(/tokens/);
    const r2 = await roomier.gql(doc);
    expect([r2.status, errorCode(r2)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(r2.errors?.[0].message).toMatch(/aliases/);
  } finally {
    await roomy.stop();
    await roomier.stop();
  }
});

test('the overlapping-fields bomb is refused before validation', async () => {
  // Many same-named fields force graphql-js to compare every pair (quadratic).
  const bomb = `{ ${Array.from({ length: 300 }, () => 'me { id }').join(' ')} }`;
  const res = await server.gql(bomb, {}, { token });
  expect(res.status).toBe(400);
  expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  // And the fragment fan-out version: 2^30 fields if expanded.
  const frags = Array.from({ length: 30 }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join(' ');
  const fan = `{ me { ...F0 } } ${frags} fragment F30 on User { id }`;
  const res2 = await server.gql(fan, {}, { token });
  expect(res2.status).toBe(400);
  expect(res2.errors?.[0].message).toMatch(/selects/);
  await stillAlive();
});

test('production: introspection is off and errors suggest no field names', async () => {
  expect(errorCode(await prod.gql('{ __schema { types { name } } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(errorCode(await prod.gql('{ __type(name: "User") { fields { name } } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
  const typo = await prod.gql('{ usr { id } me { usernme } }');
  expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean|users|username/);
  // Development keeps the suggestions, for people writing queries.
  expect(JSON.stringify((await server.gql('{ me { usernme } }')).errors)).toMatch(/Did you mean/);
});

test('CSRF: a text/plain POST and a mutation over GET are refused', async () => {
  const plain = await post(JSON.stringify({ query: 'mutation { logout }' }), { 'content-type': 'text/plain' });
  expect(plain.status).toBe(400);
  const form = await post('query=mutation%20%7B%20logout%20%7D', { 'content-type': 'application/x-www-form-urlencoded' });
  expect(form.status).toBe(400);
  const get = await fetch(`${server.url}?query=${encodeURIComponent('mutation { logout }')}`, { headers: { 'apollo-require-preflight': '1' } });
  expect(get.status).toBe(405);
});

test('batched requests are refused', async () => {
  expect((await post(JSON.stringify([{ query: '{ me { id } }' }]))).status).toBe(400);
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(server.logs.join('') + prod.logs.join(''))).toEqual([]);
});

test('the standard introspection query passes the limits where introspection is on, and a deep one does not', async () => {
  const { getIntrospectionQuery } = await import('graphql');
  const res = await server.gql(getIntrospectionQuery());
  expect(res.errors).toBeUndefined();
  expect(res.data.__schema.queryType.name).toBe('Query');
  const deep = `{ __schema { types { ${'ofType { '.repeat(25)}name${' }'.repeat(25)} } } }`;
  expect((await server.gql(deep)).errors?.[0].message).toMatch(/introspection query is nested/);
});
