// The GraphQL-over-HTTP spec, checked by graphql-http's own audit suite
// against the live server: no errors and no warnings. The notices that stay
// are the simple-GET ones, refused on purpose by CSRF prevention.
import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const post = (body: unknown, accept: string) =>
  fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

test("graphql-http's serverAudits: no errors, no warnings, and only the CSRF notices", async () => {
  const results = await Promise.all(serverAudits({ url: server.url, fetchFn: fetch }).map((audit) => audit.fn()));
  expect(results.length).toBeGreaterThan(50);
  const failing = results.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => `${r.status}: ${r.name}: ${'reason' in r ? r.reason : ''}`);
  expect(failing).toEqual([]);
  // README (Using authql from an app): GET needs a preflight-forcing header, so these MAYs stay notices.
  expect(
    results
      .filter((r) => r.status === 'notice')
      .map((r) => r.name)
      .sort(),
  ).toEqual([
    'MAY accept application/x-www-form-urlencoded formatted GET requests',
    'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
    'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
  ]);
});

test('request errors: 200 with application/json, 400 with application/graphql-response+json', async () => {
  const cases = [
    [{ query: '{ me { ' }, 'GRAPHQL_PARSE_FAILED'],
    [{ query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
    [{ query: 'query($n: Int!) { users(first: $n) { totalCount } }', variables: { n: 'ten' } }, 'BAD_USER_INPUT'],
  ] as const;
  for (const [body, code] of cases) {
    const legacy = await post(body, 'application/json');
    expect([legacy.status, legacy.headers.get('content-type'), ((await legacy.json()) as any).errors[0].extensions.code]).toEqual([
      200,
      'application/json; charset=utf-8',
      code,
    ]);
    const modern = await post(body, 'application/graphql-response+json');
    expect([modern.status, ((await modern.json()) as any).errors[0].extensions.code]).toEqual([400, code]);
  }
});

test('malformed HTTP and documents over the limits stay 400 whatever the client accepts', async () => {
  const badJson = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"query":' });
  expect(badJson.status).toBe(400);
  expect((await post({ variables: {} }, 'application/json')).status).toBe(400);
  const deep = `{ ${'me { '.repeat(20)}id${' }'.repeat(20)} }`;
  const limited = await post({ query: deep }, 'application/json');
  expect([limited.status, ((await limited.json()) as any).errors[0].extensions.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
});
