'use strict';
// The Django peer (shared/peers/django, read-only): Django + DRF + simplejwt
// on gunicorn with 2 sync workers and its own SQLite file, as the tutorial
// authql replaces sets it up. Its run.sh migrates, seeds N users (password
// "password") and starts gunicorn in the background; its state goes to a
// temporary directory of ours.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { HOST, freePort, treeCpuMs, treeRssMb } = require('./servers');
const { ensureDjango } = require('./tools');

const PASSWORD = 'password';

/** BENCH_DJANGO_DIR, else the first shared/peers/django found walking up from the repository. */
function findPeer(root) {
  if (process.env.BENCH_DJANGO_DIR) return path.resolve(process.env.BENCH_DJANGO_DIR);
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared/peers/django');
    if (fs.existsSync(path.join(candidate, 'run.sh'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startDjango({ root, stateDir, users, secret }) {
  const dir = findPeer(root);
  if (!dir) throw new Error('no Django peer found (shared/peers/django); set BENCH_DJANGO_DIR, or BENCH_DJANGO=0 to leave it out');
  ensureDjango();
  const port = await freePort();
  fs.mkdirSync(stateDir, { recursive: true });
  const env = { ...process.env, STATE: stateDir, JWT_SECRET: secret, WORKERS: process.env.BENCH_DJANGO_WORKERS ?? '2' };
  process.stderr.write(`starting the Django peer (${dir}) with ${users.toLocaleString('en-US')} users…\n`);
  await promisify(execFile)('bash', [path.join(dir, 'run.sh'), String(users), String(port)], { env, timeout: 900_000, maxBuffer: 1 << 20 });
  const pid = Number(fs.readFileSync(path.join(stateDir, 'gunicorn.pid'), 'utf8'));
  const origin = `http://${HOST}:${port}`;
  return {
    name: 'django',
    origin,
    pid,
    // gunicorn's master and workers together.
    peakRssMb: () => treeRssMb(pid),
    cpuMs: () => treeCpuMs(pid),
    stop: async () => {
      if (!alive(pid)) return;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}

module.exports = { DJANGO_PASSWORD: PASSWORD, startDjango };
