// The prepared-operation path (src/graphql/prepared-operations.ts) answers a
// document Apollo has accepted before without Apollo. Each case here is sent
// three times: the first answer is Apollo's, the next two must be the same
// bytes (status, content type, body) from whichever path took them, and
// /metrics says which path that was.
import { registerUser } from '../helpers/fixtures';
import { VERIFY } from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await registerUser(server));
  await registerUser(server);
});
afterAll(() => server.stop());

async function preparedCount(): Promise<number> {
  const text = await (await fetch(`${server.app.origin}/metrics`)).text();
  return Number(/^authql_graphql_prepared_answers_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  body: string;
}

async function send(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, contentType: res.headers.get('content-type'), cacheControl: res.headers.get('cache-control'), body: await res.text() };
}

/** The three answers to one request, and how many of them the prepared path gave. */
async function thrice(body: unknown, headers: Record<string, string> = {}) {
  const before = await preparedCount();
  const answers = [await send(body, headers), await send(body, headers), await send(body, headers)];
  return { answers, prepared: (await preparedCount()) - before };
}

const USERS_PAGE = 'query Page($n: Int) { users(first: $n) { edges { cursor node { id username email dateJoined } } pageInfo { hasNextPage endCursor } } }';

test.each([
  ['verifyToken', () => ({ query: VERIFY, variables: { token } }), () => ({}), '"verifyToken":{"token"'],
  ['verifyToken of a bad token (an error, data null)', () => ({ query: VERIFY, variables: { token: `${token}x` } }), () => ({}), '"code":"TOKEN_INVALID"'],
  ['a users page signed in', () => ({ query: USERS_PAGE, variables: { n: 2 } }), () => ({ authorization: `JWT ${token}` }), '"hasNextPage":false'],
  ['a users page anonymous (UNAUTHENTICATED)', () => ({ query: USERS_PAGE, variables: { n: 2 } }), () => ({}), '"code":"UNAUTHENTICATED"'],
  [
    'me, with application/graphql-response+json',
    () => ({ query: '{ me { id username } }' }),
    () => ({ accept: 'application/graphql-response+json', authorization: `JWT ${token}` }),
    '"me":{"id"',
  ],
  [
    'me, with Apollo Client 3’s Accept',
    () => ({ query: '{ me { id } }' }),
    () => ({ accept: 'application/graphql-response+json,application/json;q=0.9' }),
    '"me":null',
  ],
  [
    'the operation a multi-operation document names',
    () => ({ query: 'query A { me { id } } query B { me { username } }', operationName: 'B' }),
    () => ({ authorization: `JWT ${token}` }),
    '"me":{"username"',
  ],
  [
    'an error that nulls a non-null field and bubbles to data',
    () => ({ query: '{ me { id } users(first: 1) { edges { cursor } } }' }),
    () => ({}),
    '"data":null',
  ],
  ["a resolver's BAD_USER_INPUT", () => ({ query: USERS_PAGE, variables: { n: 1000 } }), () => ({ authorization: `JWT ${token}` }), '"field":"first"'],
  ['extensions: null (none)', () => ({ query: '{ me { id } }', extensions: null }), () => ({}), '"me":null'],
])('%s: the same answer three times, the last two without Apollo', async (name, body, headers, expected) => {
  // A comment makes the text, and so the document, new to the server.
  const request = body() as { query: string };
  const { answers, prepared } = await thrice({ ...request, query: `${request.query}\n# ${name}` }, headers());
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
  expect(answers[0].cacheControl).toBe('no-store');
  expect(answers[0].body).toContain(expected);
  expect(prepared).toBe(2);
});

test.each([
  ['variables that do not coerce (BAD_USER_INPUT)', { query: USERS_PAGE, variables: { n: 'ten' } }, () => ({ authorization: `JWT ${token}` })],
  ['an Accept header without JSON (406)', { query: '{ me { id } }' }, () => ({ accept: 'text/html' })],
  ['extensions (Apollo judges them)', { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, () => ({})],
  ['a document that does not validate', { query: '{ me { nope } }' }, () => ({})],
])('%s: Apollo answers every time, the same way', async (_name, body, headers) => {
  const { answers, prepared } = await thrice(body, headers());
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
  expect(prepared).toBe(0);
});

test('the operation name is part of what was accepted: another one in the same document is resolved by Apollo first', async () => {
  const query = 'query C { me { id } } query D { me { username } }';
  await thrice({ query, operationName: 'C' });
  const { answers, prepared } = await thrice({ query, operationName: 'D' });
  expect(prepared).toBe(2);
  expect(JSON.parse(answers[0].body)).toEqual({ data: { me: null } });
  // Without a name the document is ambiguous: Apollo's error, every time.
  const nameless = await thrice({ query });
  expect(nameless.prepared).toBe(0);
  expect(JSON.parse(nameless.answers[2].body).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
});

test('a plain-text body never takes the prepared path (CSRF prevention is Apollo’s)', async () => {
  await thrice({ query: '{ me { id } }' });
  const before = await preparedCount();
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ me { id } }' }) });
  expect(res.status).toBe(400);
  expect(await preparedCount()).toBe(before);
});

test('the operation label of a prepared answer is logged and counted like Apollo’s', async () => {
  const counted = async () => {
    const text = await (await fetch(`${server.app.origin}/metrics`)).text();
    return Number(/^authql_http_requests_total\{operation="mutation:verifyToken",status="200"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const before = await counted();
  await thrice({ query: VERIFY, variables: { token } });
  expect((await counted()) - before).toBe(3);
  const lines = server.logs.filter((l) => l.includes('"msg":"request"') && l.includes('"path":"/graphql"')).slice(-3);
  expect(lines.map((l) => JSON.parse(l).operation)).toEqual(['mutation:verifyToken', 'mutation:verifyToken', 'mutation:verifyToken']);
});
