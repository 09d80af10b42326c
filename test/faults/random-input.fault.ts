// Random input against the real server process: fast-check properties over
// GraphQL documents, variables and headers, and over random and mutated
// access JWTs and refresh tokens. Each case must get a JSON answer that is
// not a 5xx, every error must carry a catalogue code (never
// INTERNAL_SERVER_ERROR), and the process must still be up at the end.
import fc from 'fast-check';
import { ERROR_CODES, REQUEST_ERROR_CODES } from '../../src/errors';
import { REFRESH, USERS, VERIFY } from '../helpers/operations';
import { registerAccounts } from './helpers/accounts';
import { faultDatabase } from './helpers/databases';
import { record, Violations } from './helpers/results';
import { faultEnv, keepLog, startServer } from './helpers/server';
import { size } from './helpers/sizes';

const RUNS = size('FAULTS_RANDOM_RUNS', 10_000, 300);
const CATALOGUE = new Set<string>([...Object.keys(ERROR_CODES), ...REQUEST_ERROR_CODES]);
CATALOGUE.delete('INTERNAL_SERVER_ERROR');

const OPERATIONS = [REFRESH, USERS, VERIFY, '{ me { id username } }', 'mutation { logout }', '{ __schema { types { name } } }'];

/** One raw POST; what is wrong with the answer, or null. */
async function problemWith(url: string, body: string, headers: Record<string, string>): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    return `no answer: ${(err as Error).name}`;
  }
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 200)}`;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `status ${res.status}, not JSON: ${text.slice(0, 120)}`;
  }
  for (const e of parsed?.errors ?? []) {
    const code = e?.extensions?.code;
    if (!CATALOGUE.has(code)) return `status ${res.status}, error code ${code}: ${JSON.stringify(e).slice(0, 200)}`;
  }
  if (!parsed?.errors && parsed?.data === undefined) return `status ${res.status}, neither data nor errors`;
  return null;
}

/** A string with a few random edits: the shape of a real one, slightly broken. */
const mutated = (base: string) =>
  fc
    .array(fc.tuple(fc.nat({ max: Math.max(0, base.length) }), fc.constantFrom('insert', 'delete', 'replace'), fc.string({ maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      let s = base;
      for (const [at, kind, text] of edits) {
        const i = Math.min(at, s.length);
        if (kind === 'insert') s = s.slice(0, i) + text + s.slice(i);
        else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1 + text.length);
        else s = s.slice(0, i) + text + s.slice(i + text.length);
      }
      return s;
    });

const b64url = (s: string) => Buffer.from(s).toString('base64url');

test(`random input: ${RUNS} cases per property, no 5xx, no crash, every error from the catalogue`, async () => {
  const db = await faultDatabase('sqlite');
  const server = await startServer(faultEnv(db.url, { RATE_LIMIT_REFRESH: '100000000/60', RATE_LIMIT_LOGIN_IP: '100000000/60' }));
  const v = new Violations();
  let cases = 0;
  try {
    const [account] = await registerAccounts(server.url, 'random', 1);
    const [header, payload, signature] = account.access.split('.');
    const check = async (body: string, headers: Record<string, string>) => {
      cases += 1;
      const p = await problemWith(server.url, body, headers);
      v.check(p === null, `${p} <- ${body.slice(0, 200)} ${JSON.stringify(headers).slice(0, 200)}`);
      return p === null;
    };
    const json = { 'content-type': 'application/json' };
    const opts = { numRuns: RUNS, endOnFailure: true };

    // Documents: known operations mutated, or any string; variables any JSON; headers any.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...OPERATIONS).chain(mutated), fc.string({ maxLength: 300 }), fc.constantFrom(...OPERATIONS)),
        fc.oneof(
          fc.constant(undefined),
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(fc.constantFrom('refreshToken', 'token', 'first', 'after', 'search', 'input'), fc.jsonValue({ maxDepth: 2 })),
        ),
        fc.dictionary(
          fc.constantFrom('authorization', 'content-type', 'x-request-id', 'cookie', 'x-csrf-token', 'apollo-require-preflight', 'x-forwarded-for'),
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
        (query, variables, headers) => check(JSON.stringify({ query, variables }), { ...json, ...headers }),
      ),
      opts,
    );
    // Bodies that are not JSON objects at all.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)),
        ),
        (body) => check(body, json),
      ),
      opts,
    );
    // Access JWTs: the real one mutated, segments shuffled, or a forged header/payload.
    const jwt = fc.oneof(
      mutated(account.access),
      fc.string({ maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom(header, payload, signature, ''),
          fc.constantFrom(header, payload, signature, ''),
          fc.constantFrom(header, payload, signature, ''),
        )
        .map((p) => p.join('.')),
      fc
        .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([h, p]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.${signature}`),
      fc.constantFrom('none', 'HS512', 'RS256', 'EdDSA', '').map((alg) => `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.`),
    );
    await fc.assert(
      fc.asyncProperty(jwt, fc.constantFrom('JWT ', 'Bearer ', '', 'jwt '), async (token, prefix) => {
        const a = await check(JSON.stringify({ query: VERIFY, variables: { token } }), json);
        const b = await check(JSON.stringify({ query: USERS, variables: { first: 1 } }), { ...json, authorization: `${prefix}${token}` });
        return a && b;
      }),
      opts,
    );
    // Refresh tokens: the real one mutated, or any string.
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(account.refresh), fc.string({ maxLength: 200 })), (refreshToken) =>
        check(JSON.stringify({ query: REFRESH, variables: { refreshToken } }), json),
      ),
      opts,
    );
  } catch (err) {
    v.check(false, `property failed: ${String(err).slice(0, 500)}`);
  } finally {
    v.check(server.child.exitCode === null && server.child.signalCode === null, 'the server process died');
    keepLog(server, 'random-input');
    await server.stop();
  }
  record({
    scenario: 'random input (fast-check)',
    database: 'sqlite',
    load: `4 properties × ${RUNS} runs (documents, bodies, JWTs, refresh tokens)`,
    faults: 'random and mutated documents, variables, headers, tokens',
    served: cases,
    errors: 'catalogue codes only',
    violations: v.count,
    recovery: 'n/a',
  });
  expect(v.seen.slice(0, 5)).toEqual([]);
}, 3_600_000);
