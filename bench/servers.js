'use strict';
// Child server processes for the benchmark: a free loopback port, start,
// wait for /healthz, read memory from /proc, stop (SIGTERM, then SIGKILL).
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const net = require('node:net');

const HOST = '127.0.0.1';
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** A port that was free a moment ago (listen on 0, note it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** VmRSS (now) and VmHWM (peak) of a process, in MB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** The process and all its descendants (gunicorn's master and workers). */
function processTree(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** The RSS of a process tree now, in MB (shared pages of forked workers count once per process). */
function treeRssMb(root) {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += memoryOf(pid).rssMb;
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

/** CPU time (user + system, all threads) a process has used so far, in ms; 10 ms resolution. */
function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time of a process tree so far, in ms (workers that exited are not counted). */
function treeCpuMs(root) {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += cpuMsOf(pid);
    } catch {
      /* gone meanwhile */
    }
  }
  return total;
}

async function waitHealthy(origin, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${origin} not healthy after ${timeoutMs} ms`);
}

/** Starts `node <args>` with `env` plus PORT/HOST; resolves once it answers /healthz. */
async function startServer(name, args, env) {
  const port = await freePort();
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port), HOST }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `)));
  }
  const origin = `http://${HOST}:${port}`;
  const server = {
    name,
    origin,
    pid: child.pid,
    memory: () => memoryOf(child.pid),
    peakRssMb: () => memoryOf(child.pid).hwmMb,
    cpuMs: () => cpuMsOf(child.pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000); // authql's own backstop is SHUTDOWN_TIMEOUT + 5 s
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitHealthy(origin, child, 30_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

module.exports = { HOST, freePort, startServer, treeCpuMs, treeRssMb };
