'use strict';
// `npm run bench`: authql against two peers, measured with wrk (a C load
// generator outside Node's event loop), interleaved in one run:
//   authql    dist/src/index.js in production mode (NODE_ENV=production,
//             METRICS_TOKEN set, a JWT secret, rate limits out of reach);
//   baseline  bench/baseline/server.js: bare node:http doing authql's checks
//             with prepared statements (better-sqlite3, or pg's named ones);
//   django    shared/peers/django: Django + DRF + simplejwt on gunicorn
//             (2 sync workers), always on its own SQLite file.
// For each database (a fresh SQLite file, then a fresh PostgreSQL database
// created and dropped here) it seeds the users, starts authql and the
// baseline on it, and measures every scenario on each server in turn. It
// prints the table (req/s, p50, p99, ratios, peak RSS of each server) and
// writes bench/results.json. wrk and the Django stack come from Debian's
// packages and are installed with apt-get when missing.
//
// Knobs (environment):
//   BENCH_USERS (100000)          users seeded in every database
//   BENCH_DURATION (10)           seconds of one measurement (wrk -d)
//   BENCH_WARMUP (2)              seconds of warm-up before each measurement
//   BENCH_CONNECTIONS (32)        wrk -c (always -t1)
//   BENCH_LOGIN_CONNECTIONS (8)   connections of the login scenario and of the storm
//   BENCH_RUNS (1)                rounds; the table shows medians
//   BENCH_DATABASES (sqlite,postgresql)
//   BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres)  where the fresh database is created
//   BENCH_SERVERS (authql,baseline,django)   e.g. authql alone for a profile
//   BENCH_ONLY                    scenario keys: verify,usersFirst,usersDeep,refresh,login,verifyStorm
//   BENCH_DJANGO_DIR              the Django peer (default: shared/peers/django above the repository)
//   BENCH_DJANGO_WORKERS (2)      gunicorn workers
//   BENCH_CPU_PROF                a directory: authql and the baseline run with --cpu-prof into it
//                                 (summarise with node bench/profile-summary.js FILE --window=SECONDS)
//   BENCH_AUTHQL_NODE_OPTIONS     NODE_OPTIONS for authql alone (e.g. V8 heap flags)
//   BENCH_LOG_LEVEL (warn)        authql's LOG_LEVEL; info logs each request with its time inside the server
//   BENCH_TIMEOUT (3600)          seconds for everything
// Short runs while developing: BENCH_USERS=20000 BENCH_DURATION=3 BENCH_WARMUP=1.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { PASSWORD, seed } = require('./seed');
const { startServer } = require('./servers');
const { startDjango, DJANGO_PASSWORD } = require('./django');
const { scenarios } = require('./scenarios');
const { SERVERS, summarise, table, targets } = require('./report');
const { ensureWrk } = require('./tools');
const { runWrk, writeSpec } = require('./wrk');

const ROOT = path.resolve(__dirname, '..');
const numKnob = (name, fallback) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number`);
  return n;
};
const listKnob = (name, fallback, allowed) => {
  const list = (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of list) if (allowed && !allowed.includes(item)) throw new Error(`${name}: unknown ${item} (one of ${allowed.join(', ')})`);
  return list;
};
const knobs = {
  users: numKnob('BENCH_USERS', 100_000),
  duration: numKnob('BENCH_DURATION', 10),
  warmup: numKnob('BENCH_WARMUP', 2),
  connections: numKnob('BENCH_CONNECTIONS', 32),
  loginConnections: numKnob('BENCH_LOGIN_CONNECTIONS', 8),
  runs: Math.max(1, numKnob('BENCH_RUNS', 1)),
  timeout: numKnob('BENCH_TIMEOUT', 3600),
  databases: listKnob('BENCH_DATABASES', 'sqlite,postgresql', ['sqlite', 'postgresql']),
  servers: listKnob('BENCH_SERVERS', SERVERS.join(','), SERVERS),
  only: process.env.BENCH_ONLY ? listKnob('BENCH_ONLY', '') : null,
  pgUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const SETTLE_MS = 1500;
const STORM_LEAD_MS = 500;

/** Every RATE_LIMIT_* variable the built config reads, set so high that no limit is ever reached while the limiter still runs. */
function generousRateLimits() {
  const source = fs.readFileSync(path.join(ROOT, 'dist/src/config.js'), 'utf8');
  return Object.fromEntries([...new Set(source.match(/RATE_LIMIT_[A-Z_]+/g) ?? [])].map((name) => [name, '1000000000/1']));
}

const running = new Set();
const stopAll = () => Promise.all([...running].map((s) => s.stop()));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

/** Peak RSS per server: VmHWM for a Node process (exact), the largest sampled sum for gunicorn's process tree. */
function memoryTracker() {
  const peaks = {};
  const sample = () => {
    for (const s of running) {
      try {
        peaks[s.name] = Math.max(peaks[s.name] ?? 0, s.peakRssMb());
      } catch {
        /* the process is gone */
      }
    }
  };
  // unref: a pass that fails must not leave the sampler holding the process open (it hung until the watchdog).
  const timer = setInterval(sample, 500).unref();
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, { peakMb: v }]));
    },
  };
}

/** A database for one pass: a SQLite file in `dir`, or a new PostgreSQL database (dropped by `drop`). */
async function openDatabase(kind, dir) {
  if (kind === 'sqlite') return { url: `sqlite:${path.join(dir, 'bench.sqlite')}`, drop: async () => undefined };
  const name = `authql_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = async (sql) => {
    const c = new Client({ connectionString: knobs.pgUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(knobs.pgUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** One request with fetch, so a wrong answer stops the run before it is measured. */
async function smokeCheck(server, spec) {
  const res = await fetch(server.origin + spec.path, { method: spec.method, headers: spec.headers, body: spec.method === 'GET' ? undefined : spec.body });
  const text = await res.text();
  if (!res.ok || !text.includes(spec.expect)) throw new Error(`${server.name} answered ${spec.path} unexpectedly (${res.status}): ${text.slice(0, 400)}`);
}

/** Warm-up, then one measurement of one scenario on one server; a storm scenario runs its storm alongside. */
async function measure(server, scenario, files, takeTokens) {
  // Refresh tokens work once: the warm-up and the measurement each get their own (the Django peer does not rotate).
  const tokens = () => (scenario.fresh && server.name !== 'django' ? takeTokens() : undefined);
  const specOf = (name, make) => writeSpec(files(name), make(server.name, tokens()));
  const probe = scenario.spec(server.name, undefined);
  if (!/__(TOKEN|USER)__/.test(probe.body)) await smokeCheck(server, probe);
  const shape = { connections: scenario.connections ?? knobs.connections, seconds: knobs.duration };
  if (knobs.warmup > 0) await runWrk(server.origin, specOf('warmup', scenario.spec), { ...shape, seconds: knobs.warmup });
  const file = specOf('measure', scenario.spec);
  const cpuBefore = server.cpuMs();
  let result;
  if (scenario.storm) {
    const stormShape = { connections: knobs.loginConnections, seconds: knobs.duration + 2 };
    const storm = runWrk(server.origin, specOf('storm', scenario.storm), stormShape);
    await sleep(STORM_LEAD_MS);
    result = await runWrk(server.origin, file, shape);
    const login = await storm;
    Object.assign(result, { stormLoginRps: login.rps, stormFailed: login.failed + login.socketErrors });
  } else {
    result = await runWrk(server.origin, file, shape);
    result.cpuUsPerAnswer = ((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests);
  }
  // Requests wrk left in flight still run on the server: let them finish first.
  await sleep(SETTLE_MS);
  return result;
}

/**
 * From authql's Prometheus metrics at the end of a pass: V8's share of its
 * memory (MB) and the event loop's lag over the whole pass (ms, nothing
 * scraped it before); null when unavailable.
 */
async function runtimeOf(origin, metricsToken) {
  try {
    const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` }, signal: AbortSignal.timeout(5000) })).text();
    const mb = (re) => Number(re.exec(text)?.[1] ?? NaN) / 2 ** 20;
    return {
      heapTotalMb: mb(/^authql_nodejs_heap_size_total_bytes (\S+)/m),
      heapUsedMb: mb(/^authql_nodejs_heap_size_used_bytes (\S+)/m),
      newSpaceMb: mb(/^authql_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m),
      externalMb: mb(/^authql_nodejs_external_memory_bytes (\S+)/m),
      eventLoopLagP99Ms: Number(/^authql_nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000,
      eventLoopLagMaxMs: Number(/^authql_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000,
    };
  } catch {
    return null;
  }
}

function authqlEnv(dir, databaseUrl, secret) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    JWT_SECRET_KEY: secret,
    // Production refuses to serve /metrics without one.
    METRICS_TOKEN: crypto.randomBytes(24).toString('base64url'),
    // One access token serves the whole run, however long it takes.
    JWT_EXPIRATION_DELTA: String(24 * 3600),
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    AUTO_MIGRATE: 'false',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SHUTDOWN_TIMEOUT: '2',
    ...generousRateLimits(),
  };
}

async function runPass(database, { dir, secret, django, log }) {
  const passDir = fs.mkdtempSync(path.join(dir, `${database}-`));
  const db = await openDatabase(database, passDir);
  const wanted = knobs.servers.filter((s) => s !== 'django');
  const measured = [...wanted, ...(django ? ['django'] : [])];
  const pool = 2 * knobs.connections;
  try {
    const env = authqlEnv(passDir, db.url, secret);
    log(`${database}: seeding ${knobs.users.toLocaleString('en-US')} users…`);
    const supply = await seed({ env, users: knobs.users, sessions: knobs.runs * wanted.length * 2 * pool });
    const takeTokens = () => supply.splice(0, pool);
    const nodes = {};
    const prof = (name) => (cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}-${database}.cpuprofile`] : []);
    const nodeOptions = process.env.BENCH_AUTHQL_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_AUTHQL_NODE_OPTIONS } : {};
    const memory = memoryTracker();
    if (wanted.includes('authql'))
      nodes.authql = await startServer('authql', [...prof('authql'), path.join(ROOT, 'dist/src/index.js')], { ...env, ...nodeOptions });
    if (wanted.includes('baseline')) nodes.baseline = await startServer('baseline', [...prof('baseline'), path.join(__dirname, 'baseline/server.js')], env);
    for (const s of Object.values(nodes)) running.add(s);
    const servers = { ...nodes, ...(django ? { django: django.server } : {}) };

    const origin = (nodes.authql ?? nodes.baseline).origin;
    const login = (
      await postJson(`${origin}/${nodes.authql ? 'graphql' : 'login'}`, {
        query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }',
        variables: { u: 'user000001', p: PASSWORD },
      })
    ).data?.login;
    if (!login?.token) throw new Error('could not sign in to authql');
    const ctx = { token: login.token, userId: login.user.id, users: knobs.users, deepId: Math.floor((knobs.users * 0.9) / 20) * 20, django: django?.tokens };
    const list = scenarios(ctx, knobs).filter((s) => !knobs.only || knobs.only.includes(s.key));
    const runs = Object.fromEntries(list.map((s) => [s.key, Object.fromEntries(measured.map((k) => [k, []]))]));
    let turn = 0;
    for (let run = 0; run < knobs.runs; run++) {
      for (const scenario of list) {
        // Rotate who goes first, so no server always meets a warmer (or busier) machine.
        const order = measured.map((_, i) => measured[(i + turn) % measured.length]);
        turn++;
        for (const kind of order) {
          const files = (name) => path.join(passDir, `${scenario.key}-${kind}-${run}-${name}.spec`);
          const r = await measure(servers[kind], scenario, files, takeTokens);
          runs[scenario.key][kind].push(r);
          const bad = r.failed + r.socketErrors + (r.stormFailed ?? 0);
          log(
            `${database} run ${run + 1}/${knobs.runs} ${scenario.label} ${kind}: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.stormLoginRps !== undefined ? `, ${Math.round(r.stormLoginRps)} logins/s alongside` : ''}${bad ? `, ${bad} failed` : ''}`,
          );
        }
      }
    }
    const peaks = memory.stop();
    if (nodes.authql && peaks.authql) peaks.authql.runtime = await runtimeOf(nodes.authql.origin, env.METRICS_TOKEN);
    for (const s of Object.values(nodes)) {
      await s.stop();
      running.delete(s);
    }
    return {
      database,
      note: database === 'postgresql' && django ? 'the Django peer stays on its SQLite file' : undefined,
      scenarios: summarise(list, runs),
      memory: peaks,
    };
  } finally {
    await db.drop().catch((err) => log(`could not drop the benchmark database: ${err.message}`));
  }
}

async function main() {
  const log = (line) => process.stderr.write(`${line}\n`);
  ensureWrk();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authql-bench-'));
  const secret = crypto.randomBytes(48).toString('base64url');
  const loadStart = os.loadavg();
  try {
    let django = null;
    if (knobs.servers.includes('django')) {
      const server = await startDjango({ root: ROOT, stateDir: path.join(dir, 'django'), users: knobs.users, secret });
      running.add(server);
      const tokens = await postJson(`${server.origin}/api-jwt-auth/`, { username: 'user000001', password: DJANGO_PASSWORD });
      if (!tokens.access) throw new Error(`could not sign in to the Django peer: ${JSON.stringify(tokens).slice(0, 300)}`);
      django = { server, tokens };
    }
    const passes = [];
    for (const database of knobs.databases) passes.push(await runPass(database, { dir, secret, django, log }));
    await stopAll();

    const targetList = targets(passes);
    const command = `${Object.entries(process.env)
      .filter(([k]) => k.startsWith('BENCH_'))
      .map(([k, v]) => `${k}=${/^[\w.,:=/@-]*$/.test(v) ? v : `'${v}'`} `)
      .join('')}npm run bench`;
    const loadEnd = os.loadavg();
    console.log(
      `\n${command}  (node ${process.version}, ${os.cpus().length} CPUs, wrk -t1 -c${knobs.connections} -d${knobs.duration}s, ${knobs.users.toLocaleString('en-US')} users, load average ${loadStart.map((l) => l.toFixed(1)).join(' ')} → ${loadEnd.map((l) => l.toFixed(1)).join(' ')})\n`,
    );
    console.log(table(passes, targetList));
    const results = {
      command,
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavg: { start: loadStart, end: loadEnd },
      knobs,
      passes,
      targets: targetList,
    };
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
