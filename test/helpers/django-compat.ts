// The Django-compat test setup: a Django + allauth SQLite database (Django's
// own tables, real Django password hashes) imported with `manage
// import-django` into a server started with DJANGO_COMPAT=true, and a REST
// client that sends what the old apps send: Flutter's dio and http packages
// (JSON, form and multipart bodies, Dart's user agent and boundaries) and
// Postman.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Env } from '../../src/config';
import { freshDatabase, type TestDatabase } from './database';
import { createDjangoDatabase, djangoBcryptSha256, djangoPbkdf2, insertEmail, insertSocialAccount, insertUser } from './django';
import { startTestServer, type TestServer } from './server';

const run = promisify(execFile);
const MANAGE = join(__dirname, '../../dist/src/cli/manage.js');

/** The Django users every compat test starts with (Django ids; authql gives them its own). */
export const DJANGO_USERS = {
  alice: { id: 1, password: 'correct-horse-battery', email: 'alice@example.com', staff: true },
  bob: { id: 2, password: 'purple-monkey-dishwasher', email: 'bob@example.com', staff: false },
  /** Django's "no email" is the empty string. */
  carol: { id: 3, password: 'tangerine-volcano-42', email: '', staff: false },
} as const;
export type DjangoName = keyof typeof DJANGO_USERS;
/** Bulk users user000004 … user000027 (unusable passwords), so the users list has two pages. */
export const BULK_USERS = 24;
export const KAKAO_UID_OF_ALICE = '4100000001';

/** Builds the Django database and runs `manage import-django` into `databaseUrl`. */
export async function importDjangoSeed(databaseUrl: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'authql-compat-django-'));
  const file = join(dir, 'db.sqlite3');
  const django = await createDjangoDatabase(file);
  try {
    const { alice, bob, carol } = DJANGO_USERS;
    await insertUser(django, { id: alice.id, username: 'alice', password: djangoPbkdf2(alice.password), email: alice.email, isStaff: true });
    await insertUser(django, { id: bob.id, username: 'bob', password: djangoBcryptSha256(bob.password), email: bob.email });
    await insertUser(django, { id: carol.id, username: 'carol', password: djangoPbkdf2(carol.password, 100000) });
    for (let i = 4; i < 4 + BULK_USERS; i++) {
      const name = `user${String(i).padStart(6, '0')}`;
      await insertUser(django, { id: i, username: name, password: `!${randomBytes(20).toString('hex')}`, email: `${name}@example.com` });
    }
    await insertEmail(django, alice.id, alice.email, true, true);
    await insertEmail(django, bob.id, bob.email, true, true);
    await insertSocialAccount(django, 1, alice.id, 'kakao', KAKAO_UID_OF_ALICE, { id: Number(KAKAO_UID_OF_ALICE) });
  } finally {
    await django.close();
  }
  const { stdout } = await run(process.execPath, [MANAGE, 'import-django', '--database', file], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dir, NODE_ENV: 'test' },
  });
  return stdout;
}

export interface CompatServer {
  server: TestServer;
  rest: RestClient;
  stop(): Promise<void>;
}

/** A compat server on a database of its own (shared with `manage`), with the Django seed imported. */
export async function startCompatServer(env: Env = {}, start: (env: Env) => Promise<TestServer> = startTestServer): Promise<CompatServer> {
  const db: TestDatabase = await freshDatabase({ shared: true });
  let server: TestServer;
  try {
    server = await start({ DJANGO_COMPAT: 'true', DATABASE_URL: db.url, ...env });
  } catch (err) {
    await db.drop();
    throw err;
  }
  await importDjangoSeed(db.url);
  return {
    server,
    rest: restClient(server.app.origin + (env.DJANGO_COMPAT_PREFIX ?? '')),
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

/** What an app puts on the wire. */
export type Client = 'dio' | 'http' | 'postman';
export type Body = { json: unknown } | { form: Record<string, string> } | { multipart: Record<string, string> } | { raw: string; type: string };

export interface RestOptions {
  body?: Body;
  client?: Client;
  /** Sent as `Authorization: JWT <token>` (or `scheme`). */
  token?: string;
  scheme?: string;
  headers?: Record<string, string>;
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export type RestClient = (method: string, path: string, opts?: RestOptions) => Promise<RestAnswer>;

const USER_AGENTS: Record<Client, Record<string, string>> = {
  // dio 5 on Flutter: Dart's HttpClient headers.
  dio: { 'user-agent': 'Dart/3.4 (dart:io)', 'accept-encoding': 'gzip' },
  // package:http (IOClient): the same HttpClient underneath.
  http: { 'user-agent': 'Dart/3.4 (dart:io)', 'accept-encoding': 'gzip' },
  postman: {
    'user-agent': 'PostmanRuntime/7.39.0',
    accept: '*/*',
    'cache-control': 'no-cache',
    'postman-token': randomUUID(),
    'accept-encoding': 'gzip, deflate, br',
  },
};

export function restClient(root: string): RestClient {
  return async (method, path, opts = {}) => {
    const client = opts.client ?? 'dio';
    const headers: Record<string, string> = { ...USER_AGENTS[client] };
    let payload: string | Buffer | undefined;
    if (opts.body) ({ payload, type: headers['content-type'] } = encode(opts.body, client));
    if (opts.token !== undefined) headers.authorization = `${opts.scheme ?? 'JWT'} ${opts.token}`;
    Object.assign(headers, opts.headers);
    const res = await fetch(root + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // left as text: a test that expects JSON fails on it
    }
    return { status: res.status, headers: res.headers, body };
  };
}

/** The body and Content-Type each client writes. */
function encode(body: Body, client: Client): { payload: string | Buffer; type: string } {
  if ('raw' in body) return { payload: body.raw, type: body.type };
  if ('json' in body) {
    // dio sends application/json; package:http adds the charset to a type set by hand; Postman's raw JSON has none.
    return { payload: JSON.stringify(body.json), type: client === 'http' ? 'application/json; charset=utf-8' : 'application/json' };
  }
  if ('form' in body) {
    // A Map body in package:http and dio's FormData.fromMap-less form both send UTF-8 forms.
    return {
      payload: new URLSearchParams(body.form).toString(),
      type: client === 'postman' ? 'application/x-www-form-urlencoded' : 'application/x-www-form-urlencoded; charset=utf-8',
    };
  }
  return multipart(body.multipart, client);
}

/** http's MultipartRequest (`dart-http-boundary-…`, lower-case headers), dio's FormData (`--dio-boundary-…`) or Postman's form-data. */
function multipart(fields: Record<string, string>, client: Client): { payload: Buffer; type: string } {
  const boundary =
    client === 'http'
      ? `dart-http-boundary-${randomBytes(24).toString('hex').slice(0, 46)}`
      : client === 'dio'
        ? `--dio-boundary-${String(Date.now()).slice(-10)}`
        : `--------------------------${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}${String(Date.now()).slice(-12)}`;
  const disposition = client === 'postman' ? 'Content-Disposition' : 'content-disposition';
  const parts = Object.entries(fields).map(([name, value]) => {
    // Dart marks a non-ASCII value as UTF-8 text.
    const extra = client !== 'postman' && /[^\x20-\x7e]/.test(value) ? '\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-transfer-encoding: binary' : '';
    return `--${boundary}\r\n${disposition}: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;
  });
  return { payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'), type: `multipart/form-data; boundary=${boundary}` };
}

/** Signs an imported user in through djangorestframework-jwt's obtain view and returns the token. */
export async function obtainToken(rest: RestClient, username: DjangoName | string, password?: string): Promise<string> {
  const pw = password ?? DJANGO_USERS[username as DjangoName].password;
  const res = await rest('POST', '/api-jwt-auth/', { body: { json: { username, password: pw } } });
  if (res.status !== 200) throw new Error(`obtain failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
