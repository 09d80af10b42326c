#!/usr/bin/env node
// `npm test`: the whole suite against SQLite, then again against PostgreSQL
// when TEST_DATABASE_URL points at one. Tests that need Redis (files named
// *.redis.test.ts) run when TEST_REDIS_URL (default redis://127.0.0.1:6379)
// answers. Whatever cannot run here is said plainly at the end, never hidden.
// Extra arguments go to jest; `--outputFile=F` becomes F and F.postgres.json.
const { spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const JEST = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const args = process.argv.slice(2);

function reachable(url, fallbackPort) {
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port) || fallbackPort });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function runJest(label, env, extraArgs) {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(process.execPath, [JEST, ...extraArgs], { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

(async () => {
  const notes = [];
  const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = await reachable(redisUrl, 6379);
  const ignore = redis ? [] : ['--testPathIgnorePatterns', '\\.redis\\.test\\.ts$'];
  if (!redis) notes.push(`Redis tests (*.redis.test.ts) were SKIPPED: nothing answers at ${redisUrl} (set TEST_REDIS_URL).`);

  const sqliteStatus = runJest('pass 1: SQLite', { TEST_DATABASE_URL: '', TEST_REDIS_URL: redisUrl }, [...args, ...ignore]);

  let pgStatus = 0;
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (!pgUrl) {
    notes.push('The PostgreSQL pass was SKIPPED: TEST_DATABASE_URL is not set (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test).');
  } else if (!(await reachable(pgUrl, 5432))) {
    console.error(`\nTEST_DATABASE_URL=${pgUrl} is set but nothing answers there.`);
    pgStatus = 1;
  } else {
    const pgArgs = args.map((a) => (a.startsWith('--outputFile=') ? a.replace(/(\.json)?$/, '.postgres.json') : a));
    pgStatus = runJest(`pass 2: PostgreSQL (${new URL(pgUrl).host})`, { TEST_REDIS_URL: redisUrl }, [...pgArgs, ...ignore]);
  }
  for (const n of notes) console.log(`\nNOTE: ${n}`);
  process.exit(sqliteStatus || pgStatus);
})();
