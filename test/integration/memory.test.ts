// What keeps a serving process small (README, Performance → Memory): V8's
// new space stops growing at 8 or 16 MB (src/v8-memory.ts sets the growth
// flag at run time, which a Node upgrade could silently undo; seen in
// /metrics after load; without it new space is at 32 MB before the first
// request), and the packages only some deployments or some calls need are
// not loaded by a server that has served sign-ins and token checks.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase } from '../helpers/database';
import { ROOT, spawnServer } from '../helpers/process';
import { testEnv } from '../helpers/server';

const METRICS_TOKEN = 'metrics-token-for-memory-tests';

/** A development server of its own, on a fresh database, with /metrics open to METRICS_TOKEN. */
async function metricsServer() {
  const db = await freshDatabase({ shared: true });
  const server = await spawnServer({ ...process.env, ...testEnv({ NODE_ENV: 'development', METRICS_TOKEN }, db.url) } as NodeJS.ProcessEnv);
  return {
    server,
    /** New space's size, from /metrics. */
    newSpace: async () => {
      const metrics = await (await fetch(new URL('/metrics', server.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      return Number(/^authql_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m.exec(metrics)?.[1]);
    },
    /** 200 introspection queries, 10 at a time: enough allocation for V8 to grow new space. */
    load: async () => {
      const body = JSON.stringify({ query: '{ __schema { types { name fields { name type { name } } } } }' });
      for (let round = 0; round < 20; round++) {
        await Promise.all(
          Array.from({ length: 10 }, () => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text())),
        );
      }
    },
    stop: async () => {
      await server.stop();
      await db.drop?.();
    },
  };
}

test('new space grows past its initial 1 MB under load and stops at 16 MB', async () => {
  const { newSpace, load, stop } = await metricsServer();
  try {
    await load();
    // Above 2 MB: growth is on again once the modules have loaded (kept at 1 MB it cost a quarter of verifyToken's CPU).
    const size = await newSpace();
    expect(size).toBeGreaterThan(2 * 2 ** 20);
    expect(size).toBeLessThanOrEqual(16 * 2 ** 20);
  } finally {
    await stop();
  }
}, 60_000);

test('new space grows again under load after V8 shrank it while the server idled', async () => {
  const { newSpace, load, stop } = await metricsServer();
  try {
    await load();
    expect(await newSpace()).toBeGreaterThan(2 * 2 ** 20);
    // Idle: V8's memory reducer gives new space back after some seconds without allocation.
    let idle = await newSpace();
    for (let i = 0; i < 30 && idle > 2 ** 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      idle = await newSpace();
    }
    expect(idle).toBe(2 ** 20);
    // With growth frozen for good once it had reached 8 MB, it stayed at 1 MB from here on.
    await load();
    expect(await newSpace()).toBeGreaterThan(2 * 2 ** 20);
  } finally {
    await stop();
  }
}, 90_000);

const LAZY = ['@mikro-orm/migrations', 'umzug', 'ioredis', 'axios', 'nodemailer', '@simplewebauthn/server', '@zxcvbn-ts/language-common'];
const POSTGRES_ONLY = ['@mikro-orm/postgresql', 'pg'];

/** In a child process: createApp from dist/, one login and one verifyToken over HTTP, then the packages in require.cache. */
const SCRIPT = `
const { createApp } = require(${JSON.stringify(join(ROOT, 'dist/src/app'))});
const { loadConfig } = require(${JSON.stringify(join(ROOT, 'dist/src/config'))});
(async () => {
  const app = await createApp(loadConfig(process.env));
  const call = (query, variables) => fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
  const login = await call('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: 'nobody-here', p: 'not-a-password' });
  const verify = await call('mutation($t: String!) { verifyToken(token: $t) { payload { sub } } }', { t: 'not.a.jwt' });
  await app.stop();
  const packages = new Set(Object.keys(require.cache)
    // MikroORM reads every @mikro-orm/*/package.json to check versions: data, not code.
    .filter((f) => !f.endsWith('package.json'))
    .map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
  console.log(JSON.stringify({ answered: Boolean(login.errors && verify.errors), packages: [...packages] }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test('a serving process does not load what only migrations, Redis, social sign-in, mail, passkeys or password rules need', async () => {
  const db = await freshDatabase({ shared: true });
  try {
    const env = { ...process.env, ...testEnv({ AUTO_MIGRATE: 'false', LOG_LEVEL: 'warn' }, db.url) } as NodeJS.ProcessEnv;
    await promisify(execFile)(process.execPath, [join(ROOT, 'dist/src/cli/manage.js'), 'migrate'], { env });
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT], { env, timeout: 30_000 });
    const { answered, packages } = JSON.parse(stdout.trim().split('\n').pop()!) as { answered: boolean; packages: string[] };
    expect(answered).toBe(true);
    expect(packages).toContain('@mikro-orm/core');
    const postgres = db.url.startsWith('postgres');
    expect(packages.filter((p) => LAZY.includes(p) || (!postgres && POSTGRES_ONLY.includes(p)))).toEqual([]);
  } finally {
    await db.drop?.();
  }
}, 60_000);
