'use strict';
// `npm run bench`: seeds a fresh SQLite database, starts authql
// (dist/src/index.js) and the bare node:http baseline (baseline-server.js) as
// child processes on loopback ports, measures every scenario on both with
// autocannon (interleaved, medians of BENCH_RUNS runs), prints a table with
// the targets of issue 6 and writes bench/results.json.
//
// Knobs (environment): BENCH_USERS (100000), BENCH_RUNS (3), BENCH_DURATION
// (5 s a measurement), BENCH_WARMUP (1 s), BENCH_CONNECTIONS (16),
// BENCH_LOGIN_CONNECTIONS (8), BENCH_TIMEOUT (1200 s for everything),
// BENCH_CPU_PROF (a directory: both servers run with --cpu-prof into it),
// BENCH_ONLY (comma-separated scenario keys, e.g. verify,usersFirst),
// BENCH_AUTHQL_NODE_OPTIONS (NODE_OPTIONS for authql alone, e.g. V8 heap flags).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { PASSWORD, seed } = require('./seed');
const { startServer } = require('./servers');
const { runScenario, scenarios } = require('./scenarios');
const { summarise, table, targets } = require('./report');

const ROOT = path.resolve(__dirname, '..');
const intKnob = (name, fallback) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number`);
  return n;
};
const knobs = {
  users: intKnob('BENCH_USERS', 100_000),
  runs: intKnob('BENCH_RUNS', 3),
  duration: intKnob('BENCH_DURATION', 5),
  warmup: intKnob('BENCH_WARMUP', 1),
  connections: intKnob('BENCH_CONNECTIONS', 16),
  loginConnections: intKnob('BENCH_LOGIN_CONNECTIONS', 8),
  timeout: intKnob('BENCH_TIMEOUT', 1200),
};
const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
/**
 * Every RATE_LIMIT_* variable the built config reads, set so high that no
 * limit is ever reached while the limiter's own work still runs.
 */
function generousRateLimits() {
  const source = fs.readFileSync(path.join(ROOT, 'dist/src/config.js'), 'utf8');
  const names = new Set(source.match(/RATE_LIMIT_[A-Z_]+/g) ?? []);
  return Object.fromEntries([...names].map((name) => [name, '1000000000/1']));
}

const SETTLE_MS = 1500;
const servers = {};
const stopAll = () => Promise.all(Object.values(servers).map((s) => s.stop()));

async function signIn(origin, username, password) {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }', variables: { u: username, p: password } }),
  });
  const login = (await res.json()).data?.login;
  if (!login?.token) throw new Error('could not sign in to authql');
  return { token: login.token, userId: login.user.id };
}

function sampleMemory(memory) {
  for (const [kind, server] of Object.entries(servers)) {
    try {
      const m = server.memory();
      memory[kind].maxRssMb = Math.max(memory[kind].maxRssMb, m.rssMb);
      memory[kind].hwmMb = m.hwmMb;
    } catch {
      /* the process is gone */
    }
  }
}

/** V8's share of authql's memory at the end, from its Prometheus metrics (MB); null when unavailable. */
async function heapBreakdown(origin, metricsToken) {
  try {
    const headers = { authorization: `Bearer ${metricsToken}` };
    const text = await (await fetch(`${origin}/metrics`, { headers, signal: AbortSignal.timeout(5000) })).text();
    const mb = (re) => Number(re.exec(text)?.[1] ?? NaN) / 2 ** 20;
    return {
      heapTotalMb: mb(/^authql_nodejs_heap_size_total_bytes (\S+)/m),
      heapUsedMb: mb(/^authql_nodejs_heap_size_used_bytes (\S+)/m),
      newSpaceMb: mb(/^authql_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m),
      externalMb: mb(/^authql_nodejs_external_memory_bytes (\S+)/m),
    };
  } catch {
    return null;
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authql-bench-'));
  const dbPath = path.join(dir, 'bench.sqlite');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    JWT_SECRET_KEY: crypto.randomBytes(48).toString('base64url'),
    // Production refuses to serve /metrics without one.
    METRICS_TOKEN: crypto.randomBytes(24).toString('base64url'),
    // One access token serves the whole run, however long it takes.
    JWT_EXPIRATION_DELTA: String(24 * 3600),
    DATABASE_URL: `sqlite:${dbPath}`,
    DATA_DIR: dir,
    AUTO_MIGRATE: 'false',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT: '2',
    ...generousRateLimits(),
  };
  try {
    const refreshPoolSize = 2 * knobs.connections;
    process.stderr.write(`seeding ${knobs.users.toLocaleString('en-US')} users in ${dbPath}…\n`);
    const refreshTokens = await seed({ env, dbPath, users: knobs.users, sessions: knobs.runs * 2 * refreshPoolSize });
    const profArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    const nodeOptions = process.env.BENCH_AUTHQL_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_AUTHQL_NODE_OPTIONS } : {};
    servers.authql = await startServer('authql', [...profArgs, path.join(ROOT, 'dist/src/index.js')], { ...env, ...nodeOptions });
    servers.baseline = await startServer('baseline', [...profArgs, path.join(ROOT, 'bench/baseline-server.js')], { ...env, BENCH_DB_PATH: dbPath });
    const { token, userId } = await signIn(servers.authql.origin, 'user000001', PASSWORD);
    const ctx = { token, userId, users: knobs.users, takeRefreshTokens: () => refreshTokens.splice(0, refreshPoolSize) };

    const memory = { authql: { maxRssMb: 0, hwmMb: NaN }, baseline: { maxRssMb: 0, hwmMb: NaN } };
    const sampler = setInterval(() => sampleMemory(memory), 250);
    const only = process.env.BENCH_ONLY?.split(',');
    const list = scenarios(ctx, knobs).filter((s) => !only || only.includes(s.key));
    const runs = Object.fromEntries(list.map((s) => [s.key, { authql: [], baseline: [] }]));
    const loadStart = os.loadavg();
    for (let run = 0; run < knobs.runs; run++) {
      for (const scenario of list) {
        // Alternate who goes first, so neither always meets a warmer machine.
        for (const kind of run % 2 === 0 ? ['authql', 'baseline'] : ['baseline', 'authql']) {
          const r = await runScenario(scenario, { kind, origin: servers[kind].origin, cpuMs: servers[kind].cpuMs }, knobs);
          r.rssAfterMb = servers[kind].memory().rssMb;
          // Requests autocannon left in flight still run on the server: let them
          // finish before the next measurement (two writers would meet SQLITE_BUSY).
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          runs[scenario.key][kind].push(r);
          process.stderr.write(`run ${run + 1}/${knobs.runs} ${scenario.label} ${kind}: ${Math.round(r.rps)} req/s, p50 ${r.p50?.toFixed(2)} ms, p99 ${r.p99?.toFixed(2)} ms${r.cpuUsPerRequest ? `, ${Math.round(r.cpuUsPerRequest)} µs CPU/answer` : ''}, RSS ${Math.round(r.rssAfterMb)} MB\n`);
        }
      }
    }
    clearInterval(sampler);
    sampleMemory(memory);
    memory.authql.heap = await heapBreakdown(servers.authql.origin, env.METRICS_TOKEN);
    await stopAll();

    const rows = summarise(list, runs);
    const targetList = targets(rows, memory, knobs.users);
    const command = `${Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${/^[\w.,:=/-]*$/.test(v) ? v : `'${v}'`} `).join('')}npm run bench`;
    console.log(`\n${command}  (node ${process.version}, ${os.cpus().length} CPUs, load ${loadStart.map((l) => l.toFixed(1)).join(' ')} → ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
    console.log(table(rows, memory, targetList));
    const results = { command, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: { start: loadStart, end: os.loadavg() }, knobs, scenarios: rows, memory, targets: targetList };
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  console.error(`bench: over BENCH_TIMEOUT (${knobs.timeout} s); stopping`);
  stopAll().finally(() => process.exit(2));
}, knobs.timeout * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll().finally(() => process.exit(130)));

main().then(
  () => clearTimeout(watchdog),
  (err) => {
    console.error('bench failed:', err);
    process.exitCode = 1;
  },
);
