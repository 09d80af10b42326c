// No email oracle (issue 11, point 5) and a query cost that counts list
// sizes (point 15): a signed-in user cannot learn other users' emails one
// prefix at a time, and one request cannot ask for fifteen counted pages.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getIntrospectionQuery, parse, print } from 'graphql';
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { USERS } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let member: Awaited<ReturnType<typeof registerUser>>;
let staff: Awaited<ReturnType<typeof registerUser>>;
const secrets = new SecretLog();

beforeAll(async () => {
  server = await startTestServer({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  member = await registerUser(server, { username: 'nosy' });
  staff = await registerUser(server, { username: 'helpdesk' });
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(staff.user.id) }, { isStaff: true });
  // An email that shares no prefix with the username or names.
  await registerUser(server, { username: 'quiet', email: 'private.mailbox@example.test' });
  for (const u of [member, staff]) [u.token, u.refreshToken, u.password].forEach((x) => secrets.add(x));
});
afterAll(() => server.stop());

describe('users(search) is no email oracle', () => {
  test("a member searching by a prefix of another user's email finds nothing, and totalCount says 0", async () => {
    for (const search of ['private.', 'private.mailbox@example.test', 'PRIVATE.MAIL']) {
      const res = await server.gql(USERS, { search }, { token: member.token });
      expect(res.errors).toBeUndefined();
      expect({ search, found: res.data.users.edges.length, totalCount: res.data.users.totalCount }).toEqual({ search, found: 0, totalCount: 0 });
    }
  });

  test('a member still finds users by username; staff find them by email too', async () => {
    const byName = await server.gql(USERS, { search: 'quie' }, { token: member.token });
    expect(byName.data.users).toMatchObject({ totalCount: 1, edges: [{ node: { username: 'quiet', email: null } }] });
    const byEmail = await server.gql(USERS, { search: 'private.' }, { token: staff.token });
    expect(byEmail.data.users).toMatchObject({ totalCount: 1, edges: [{ node: { username: 'quiet', email: 'private.mailbox@example.test' } }] });
  });
});

describe('the query cost counts list sizes', () => {
  const NODE = 'id username email';
  const page = (first: string) => `users(first: ${first}) { totalCount edges { node { ${NODE} } } }`;
  const fifteen = (first: string, head = '') => `query${head} { ${Array.from({ length: 15 }, (_, i) => `p${i}: ${page(first)}`).join(' ')} }`;
  const refusedForCost = (res: Awaited<ReturnType<TestServer['gql']>>) => {
    expect([res.status, errorCode(res), res.data]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED', undefined]);
    expect(res.errors?.[0].message).toMatch(/^The query costs \d+; the limit is 3000\./);
  };

  test('fifteen aliased users(first: 100) pages with totalCount are refused before execution', async () => {
    refusedForCost(await server.gql(fifteen('100'), {}, { token: member.token }));
    // The same pages through a fragment (costed once, multiplied where it is spread).
    const viaFragment = `{ ${Array.from({ length: 15 }, (_, i) => `p${i}: users(first: 100) { ...Page }`).join(' ')} } fragment Page on UserConnection { totalCount edges { ... on UserEdge { node { ${NODE} } } } }`;
    refusedForCost(await server.gql(viaFragment, {}, { token: member.token }));
    // One such page is fine.
    expect((await server.gql(`{ ${page('100')} }`, {}, { token: member.token })).errors).toBeUndefined();
  });

  test('a page size sent as a variable counts too; a missing or unreadable one is priced at the default or the maximum', async () => {
    const doc = fifteen('$n', '($n: Int)');
    refusedForCost(await server.gql(doc, { n: 100 }, { token: member.token }));
    refusedForCost(await server.gql(doc, { n: 'lots' }, { token: member.token }));
    refusedForCost(await server.gql(doc, {}, { token: member.token })); // the default, 20: fifteen counts still cost too much
    const two = `query($n: Int) { a: ${page('$n')} b: ${page('$n')} }`;
    expect((await server.gql(two, { n: 100 }, { token: member.token })).errors).toBeUndefined();
    // Over GET, the variables in the query string are read the same way.
    const url = `${server.url}?query=${encodeURIComponent(doc)}&variables=${encodeURIComponent(JSON.stringify({ n: 100 }))}`;
    const get = await fetch(url, { headers: { authorization: `JWT ${member.token}`, 'apollo-require-preflight': '1' } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/^The query costs/);
  });

  test('a persisted-query hash cannot replay a cheap document with expensive variables', async () => {
    const doc = fifteen('$n', '($n: Int)');
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(doc).digest('hex') };
    const post = (body: unknown) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `JWT ${member.token}` },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }));
    await post({ query: doc, variables: { n: 1 }, extensions: { persistedQuery } });
    const replay = await post({ variables: { n: 100 }, extensions: { persistedQuery } });
    expect(replay.body.data).toBeUndefined();
    expect(replay.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  test('everyday documents pass at the default limit', async () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const firstSession = [...readme.matchAll(/^gql '(\{"query":.*\})'$/gm)].map(
      (m) => (JSON.parse(m[1].replace(/'"\$\w+"'/g, 'x')) as { query: string }).query,
    );
    expect(firstSession.length).toBeGreaterThanOrEqual(5);
    const dir = join(__dirname, '../../examples/apollo-client/src/operations');
    const operations = readdirSync(dir).flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')).definitions.map((d) => print(d)));
    const fullPage = `{ users(first: 100, search: "a") { totalCount edges { cursor node { id username email emailVerified firstName lastName isActive isStaff dateJoined lastLogin socialAccounts { id provider uid dateJoined lastLogin extraData } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    for (const doc of [...firstSession, ...operations, getIntrospectionQuery(), fullPage, USERS]) {
      const res = await server.gql(doc, { first: 100 }, { token: staff.token });
      // Valid documents fail validation only on a limit.
      expect({ doc, refused: errorCode(res) === 'GRAPHQL_VALIDATION_FAILED' ? res.errors?.[0].message : false }).toEqual({ doc, refused: false });
    }
  });
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(server.logs.join(''))).toEqual([]);
});
