// Small promises of the API contract a client relies on: which Authorization
// forms work (and an error saying so), `field` on every BAD_USER_INPUT,
// isSuperuser readable like isStaff, production's introspection refusal
// naming our setting, and the way from /graphql to the playground.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { REGISTER, USERS } from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(() => server.stop());

test('an unknown Authorization scheme or a bare token is TOKEN_INVALID with the forms that work', async () => {
  const u = await registerUser(server);
  for (const authorization of [`Token ${u.token}`, u.token, 'JWT', `JWT ${u.token} extra`]) {
    const res = await server.gql(USERS, {}, { headers: { authorization } });
    expect(res.errors?.[0]).toMatchObject({
      message: 'The Authorization header must be "JWT <token>" or "Bearer <token>".',
      extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' },
    });
  }
  // A known scheme with a bad token keeps the plain message: the form was right.
  const forged = await server.gql(USERS, {}, { headers: { authorization: 'Bearer not.a.jwt' } });
  expect(forged.errors?.[0]).toMatchObject({ message: 'Sign in to do this.', extensions: { reason: 'TOKEN_INVALID' } });
  expect((await server.gql(USERS, {}, { headers: { authorization: `bearer ${u.token}` } })).errors).toBeUndefined();
});

test('a custom JWT_AUTH_HEADER_PREFIX is listed first', async () => {
  const custom = await startTestServer({ JWT_AUTH_HEADER_PREFIX: 'Token' });
  try {
    const res = await custom.gql(USERS, {}, { headers: { authorization: 'Basic abc' } });
    expect(res.errors?.[0].message).toBe('The Authorization header must be "Token <token>" or "JWT <token>" or "Bearer <token>".');
  } finally {
    await custom.stop();
  }
});

test('variable-coercion failures carry `field`: the input field at fault, else the variable', async () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['query($n: Int!) { users(first: $n) { totalCount } }', { n: 'ten' }, 'n'],
    ['query($n: Int!) { users(first: $n) { totalCount } }', {}, 'n'],
    [REGISTER, { input: { username: 'x', email: 'x@example.test' } }, 'password'],
    [REGISTER, { input: { username: 'x', email: 'x@example.test', password: 'p', isStaff: true } }, 'isStaff'],
    [REGISTER, { input: { username: 5, email: 'x@example.test', password: 'p' } }, 'username'],
  ];
  for (const [query, variables, field] of cases) {
    const res = await server.gql(query, variables);
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  }
});

test('isSuperuser is readable on User, like isStaff', async () => {
  const root = await registerUser(server);
  const viewer = await registerUser(server);
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  const res = await server.gql('query($id: ID!) { user(id: $id) { isStaff isSuperuser } me { isSuperuser } }', { id: root.user.id }, { token: viewer.token });
  expect(res.data).toEqual({ user: { isStaff: true, isSuperuser: true }, me: { isSuperuser: false } });
});

test("production's introspection refusal names GRAPHQL_INTROSPECTION; __typename still works", async () => {
  const prod = await startTestServer({ NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-tests' });
  try {
    const res = await prod.gql('{ __schema { queryType { name } } }');
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/GRAPHQL_INTROSPECTION=true/);
    expect(res.errors?.[0].message).not.toMatch(/ApolloServer|introspection: true/);
    expect((await prod.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  } finally {
    await prod.stop();
  }
});

test('a browser opening /graphql lands on the self-hosted playground; 404s point there', async () => {
  const dev = await startTestServer({ NODE_ENV: 'development' });
  try {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const hop = await fetch(`${dev.url}?query=%7B%20me%20%7B%20id%20%7D%20%7D`, { headers: { accept }, redirect: 'manual' });
    expect([hop.status, hop.headers.get('location')]).toEqual([302, '/graphiql?query=%7B%20me%20%7B%20id%20%7D%20%7D']);
    const page = await fetch(dev.url, { headers: { accept } });
    expect(page.url).toBe(`${dev.app.origin}/graphiql`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toMatch(/apollographql\.com|cdn\./);
    // A client that asks for JSON is never redirected.
    const api = await fetch(dev.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await api.json()).toEqual({ data: { __typename: 'Query' } });
    const missing = await fetch(`${dev.app.origin}/graphq`);
    expect(((await missing.json()) as any).errors[0].message).toBe('No such path; GraphQL is at /graphql and the playground at /graphiql.');
    expect(dev.logs.join('')).toContain(`"playground":"${dev.app.origin}/graphiql"`);
  } finally {
    await dev.stop();
  }
  // Without the playground (production, test) nothing redirects and 404s do not mention it.
  const res = await fetch(`${server.app.origin}/nope`);
  expect(((await res.json()) as any).errors[0].message).toBe('No such path; GraphQL is at /graphql.');
});
