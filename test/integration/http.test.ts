// The HTTP surface: health, CSRF prevention, body limits, masking, and what
// production turns off.
import { registerUser } from '../helpers/fixtures';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

test('GET /healthz answers 200', async () => {
  const res = await fetch(`${server.app.origin}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('unknown paths are 404 with a catalogue code', async () => {
  const res = await fetch(`${server.app.origin}/nope`);
  expect(res.status).toBe(404);
  expect(((await res.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
});

test('CSRF prevention: a text/plain POST and a GET mutation are refused', async () => {
  const plain = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ me { id } }' }) });
  expect(plain.status).toBe(400);
  const q = encodeURIComponent('mutation { revokeToken(refreshToken: "x") }');
  const get = await fetch(`${server.url}?query=${q}`, { headers: { 'apollo-require-preflight': 'true' } });
  expect(get.status).toBe(405);
  const simpleGet = await fetch(`${server.url}?query=${encodeURIComponent('{ me { id } }')}`);
  expect(simpleGet.status).toBe(400);
});

test('a body over the limit is refused with 413 before parsing', async () => {
  const big = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(200 * 1024) } });
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  expect(res.status).toBe(413);
});

test('invalid JSON is a 400 with a coded error', async () => {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
  expect(res.status).toBe(400);
  expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
});

test('batched requests are refused', async () => {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
  });
  expect(res.status).toBe(400);
});

test('errors never carry stack traces', async () => {
  const res = await server.gql('{ users { totalCount } }');
  expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|at .*\.ts:/);
  const parse = await server.gql('{ me { ');
  expect(parse.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  expect(parse.errors?.[0].extensions?.stacktrace).toBeUndefined();
});

test('an unexpected failure is masked as INTERNAL_SERVER_ERROR and logged', async () => {
  const broken = await startTestServer();
  try {
    const u = await registerUser(broken);
    // Pull the table out from under the server: a real database failure.
    await broken.app.orm.em.fork().getConnection().execute('drop table refresh_tokens');
    const res = await broken.gql(`mutation($r: String!) { refreshToken(refreshToken: $r) { token } }`, { r: u.refreshToken });
    expect(res.errors?.[0]).toMatchObject({ message: 'Something went wrong on our side.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(res.errors)).not.toMatch(/refresh_tokens|sqlite|SQL/i);
    expect(broken.logs.join('')).toMatch(/refresh_tokens/);
  } finally {
    await broken.stop();
  }
});

describe('production', () => {
  let prod: TestServer;
  beforeAll(async () => {
    prod = await startTestServer({ NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-tests' });
  });
  afterAll(() => prod.stop());

  test('introspection is off', async () => {
    const res = await prod.gql('{ __schema { types { name } } }');
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('the landing page is off', async () => {
    const res = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  test('a JWT_SECRET_KEY is required', async () => {
    await expect(startTestServer({ NODE_ENV: 'production', JWT_SECRET_KEY: '' })).rejects.toThrow(/JWT_SECRET_KEY is required in production/);
  });
});

test('development sends browsers to the self-hosted playground and serves introspection', async () => {
  const dev = await startTestServer({ NODE_ENV: 'development' });
  try {
    const res = await fetch(dev.url, { headers: { accept: 'text/html' } });
    expect(res.url).toBe(`${dev.app.origin}/graphiql`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect((await dev.gql('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
  } finally {
    await dev.stop();
  }
});

test('GraphQL answers are never cacheable', async () => {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
  expect(res.headers.get('cache-control')).toBe('no-store');
});
