'use strict';
// One wrk run: the spec file bench/request.lua reads, the process, and the
// figures it prints. wrk runs as its own process in C, so the load generator
// costs the server's cores far less than a Node client in them would.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const LUA = path.join(__dirname, 'request.lua');

/** Writes a spec (see request.lua) and returns its path. */
function writeSpec(file, { method, path: urlPath, headers = {}, body = '', expect, users, tokens, successor }) {
  const lines = [['method', method], ['path', urlPath], ...Object.entries(headers).map(([k, v]) => ['header', `${k}: ${v}`]), ['body', body]];
  if (expect) lines.push(['expect', expect]);
  if (users) lines.push(['users', String(users)]);
  if (tokens) {
    fs.writeFileSync(`${file}.tokens`, `${tokens.join('\n')}\n`);
    lines.push(['tokens', `${file}.tokens`]);
  }
  if (successor) lines.push(['successor', successor]);
  for (const [, v] of lines) if (/[\t\n]/.test(v)) throw new Error(`bench spec value with a tab or newline: ${v.slice(0, 80)}`);
  fs.writeFileSync(file, `${lines.map(([k, v]) => `${k}\t${v}`).join('\n')}\n`);
  return file;
}

/** Runs `wrk -t1 -c<connections> -d<seconds>s` against origin with a spec; resolves to the figures (ms, req/s). */
function runWrk(origin, specFile, { connections, seconds }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', LUA, origin, '--', specFile];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${(err || out).trim().slice(0, 500)}`));
      const r = JSON.parse(line.slice('BENCH_JSON '.length));
      const seconds_ = r.durationUs / 1e6;
      const socketErrors = r.connectErrors + r.readErrors + r.writeErrors + r.timeouts;
      resolve({
        rps: r.ok / seconds_,
        p50: r.p50Us / 1000,
        p90: r.p90Us / 1000,
        p99: r.p99Us / 1000,
        mean: r.meanUs / 1000,
        max: r.maxUs / 1000,
        requests: r.requests,
        ok: r.ok,
        failed: r.failed,
        socketErrors,
        seconds: seconds_,
      });
    });
  });
}

module.exports = { runWrk, writeSpec };
