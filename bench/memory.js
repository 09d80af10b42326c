'use strict';
// `node bench/memory.js`: where authql's RSS goes (README, Performance →
// Memory). Seeds 100,000 users like the benchmark, starts the built server
// the same way (production, rate limits out of reach), drives each scenario
// with wrk for BENCH_DURATION (5) seconds and prints, after each: VmRSS and
// VmHWM (the peak) with their anonymous and file-backed parts, CPU µs per
// answer, and V8's spaces from /metrics. Memory does not need a quiet
// machine; the CPU figures do.
// Knobs: BENCH_DATABASES (sqlite; or postgresql, a fresh database on
// BENCH_PG_URL), BENCH_DURATION (5), BENCH_AUTHQL_NODE_OPTIONS (e.g. -r a preload);
// scenario keys as arguments (default: all, in the benchmark's order).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { PASSWORD, seed } = require('./seed');
const { startServer } = require('./servers');
const { scenarios } = require('./scenarios');
const { ensureWrk } = require('./tools');
const { runWrk, writeSpec } = require('./wrk');

const ROOT = path.resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const DATABASE = process.env.BENCH_DATABASES ?? 'sqlite';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const USERS = 100_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;

function generousRateLimits() {
  const source = fs.readFileSync(path.join(ROOT, 'dist/src/config.js'), 'utf8');
  return Object.fromEntries([...new Set(source.match(/RATE_LIMIT_[A-Z_]+/g) ?? [])].map((name) => [name, '1000000000/1']));
}

async function admin(sql) {
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024).toFixed(1);
  return `rss ${mb('VmRSS')} peak ${mb('VmHWM')} (anon ${mb('RssAnon')}, file ${mb('RssFile')})`;
}

function cpuMsOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function heapOf(origin, token) {
  const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const mb = (re) => (Number(re.exec(text)?.[1] ?? NaN) / MB).toFixed(1);
  const space = (name) => mb(new RegExp(`^authql_nodejs_heap_space_size_total_bytes\\{space="${name}"\\} (\\S+)`, 'm'));
  return `heap ${mb(/^authql_nodejs_heap_size_total_bytes (\S+)/m)} (used ${mb(/^authql_nodejs_heap_size_used_bytes (\S+)/m)}; new ${space('new')}, old ${space('old')}, code ${space('code')}), external ${mb(/^authql_nodejs_external_memory_bytes (\S+)/m)}`;
}

async function main() {
  ensureWrk();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authql-memory-'));
  const pgName = DATABASE === 'postgresql' ? `authql_memory_${process.pid}_${crypto.randomBytes(3).toString('hex')}` : null;
  let databaseUrl = `sqlite:${path.join(dir, 'bench.sqlite')}`;
  if (pgName) {
    await admin(`create database "${pgName}"`);
    const url = new URL(PG_URL);
    url.pathname = `/${pgName}`;
    databaseUrl = url.toString();
  }
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    JWT_SECRET_KEY: crypto.randomBytes(48).toString('base64url'),
    METRICS_TOKEN: crypto.randomBytes(24).toString('base64url'),
    JWT_EXPIRATION_DELTA: String(24 * 3600),
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    AUTO_MIGRATE: 'false',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT: '2',
    ...generousRateLimits(),
  };
  let server;
  try {
    process.stderr.write(`seeding ${USERS.toLocaleString('en-US')} users (${DATABASE})…\n`);
    const tokens = await seed({ env, users: USERS, sessions: 2000 });
    const nodeOptions = process.env.BENCH_AUTHQL_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_AUTHQL_NODE_OPTIONS } : {};
    server = await startServer('authql', [path.join(ROOT, 'dist/src/index.js')], { ...env, ...nodeOptions });
    let cpuBefore = cpuMsOf(server.pid);
    const report = async (label, answers) => {
      const cpu = cpuMsOf(server.pid);
      const perAnswer = answers ? `, ${Math.round(((cpu - cpuBefore) * 1000) / answers)} µs CPU/answer` : '';
      cpuBefore = cpu;
      console.log(`${label}${perAnswer}\n  ${memoryOf(server.pid)}; ${await heapOf(server.origin, env.METRICS_TOKEN)}`);
    };
    await sleep(1000);
    await report('started, idle');
    const res = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }',
        variables: { u: 'user000001', p: PASSWORD },
      }),
    });
    const login = (await res.json()).data.login;
    await report('one sign-in');
    const ctx = { token: login.token, userId: login.user.id, users: USERS, deepId: Math.floor((USERS * 0.9) / 20) * 20, django: null };
    const list = scenarios(ctx, { loginConnections: 8 });
    const wanted = process.argv.slice(2).length ? process.argv.slice(2) : list.map((s) => s.key);
    let used = 0;
    for (const key of wanted) {
      const scenario = list.find((s) => s.key === key);
      if (!scenario) throw new Error(`unknown scenario ${key} (one of ${list.map((s) => s.key).join(', ')})`);
      const spec = (name) => {
        const pool = scenario.fresh ? tokens.slice(used, used + 64) : undefined;
        if (pool) used += 64; // a refresh token works once
        return writeSpec(path.join(dir, `${key}-${name}.spec`), scenario.spec('authql', pool));
      };
      const shape = { connections: scenario.connections ?? 32, seconds: SECONDS };
      cpuBefore = cpuMsOf(server.pid);
      let result;
      if (scenario.storm) {
        const storm = runWrk(server.origin, spec('storm'), { connections: 8, seconds: SECONDS + 1 });
        await sleep(500);
        result = await runWrk(server.origin, spec('measure'), shape);
        await storm;
      } else result = await runWrk(server.origin, spec('measure'), shape);
      await sleep(1000); // requests wrk left in flight
      const failed = result.failed + result.socketErrors;
      await report(`${scenario.label}: ${Math.round(result.rps)} req/s${failed ? `, ${failed} failed` : ''}`, scenario.storm ? 0 : result.requests);
    }
  } finally {
    await server?.stop();
    if (pgName) await admin(`drop database if exists "${pgName}" with (force)`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
