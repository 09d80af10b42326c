'use strict';
// Summarises a V8 .cpuprofile (from BENCH_CPU_PROF): the share of samples
// that were idle, in GC or in the engine, the top functions by self time, and
// self time by package (with the time it is anywhere on the stack). With --window=S only the S-second stretch with the
// least idle time counts: the measurement, without start-up and the pauses
// around it; --skip=S leaves out the first S seconds (start-up, which has no
// idle time either, when the load was short). Usage:
// node bench/profile-summary.js FILE [--window=S] [--skip=S] [--top=N]
const fs = require('node:fs');

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [--window=SECONDS] [--top=N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const top = Number(option('top') ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const idleId = profile.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id;

/** The sample range [from, to) of the `seconds` stretch with the least idle time (two pointers over sample times). */
function busiestWindow(seconds) {
  const { samples, timeDeltas } = profile;
  let from = 0;
  let span = 0;
  let idle = 0;
  let best = { from: 0, to: samples.length, idle: Infinity };
  let elapsed = 0;
  for (; from < samples.length && elapsed < skipSeconds * 1e6; from++) elapsed += timeDeltas[from] ?? 0;
  for (let to = from; to < samples.length; to++) {
    span += timeDeltas[to] ?? 0;
    if (samples[to] === idleId) idle += timeDeltas[to] ?? 0;
    while (span - (timeDeltas[from] ?? 0) >= seconds * 1e6) {
      span -= timeDeltas[from] ?? 0;
      if (samples[from] === idleId) idle -= timeDeltas[from] ?? 0;
      from++;
    }
    if (span >= seconds * 1e6 && idle < best.idle) best = { from, to: to + 1, idle };
  }
  return best;
}

const windowSeconds = Number(option('window') ?? 0);
const skipSeconds = Number(option('skip') ?? 0);
const range = windowSeconds > 0 ? busiestWindow(windowSeconds) : { from: 0, to: profile.samples.length };
const selfUs = new Map();
for (let i = range.from; i < range.to; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const where = (cf) => {
  const url = cf.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (m) return { pkg: m[1], at: `${m[1]}/${m[3]}:${cf.lineNumber + 1}` };
  if (!url) return { pkg: cf.functionName.startsWith('(') ? cf.functionName : '(native)', at: '' };
  if (url.startsWith('node:')) return { pkg: 'node core', at: `${url}:${cf.lineNumber + 1}` };
  const own = /\/(dist\/)?(src\/.*|bench\/.*)$/.exec(url);
  return { pkg: own ? 'authql' : url, at: `${own ? own[2] : url}:${cf.lineNumber + 1}` };
};

const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
/** Packages anywhere on a node's stack (inclusive time), memoised per node. */
const stackPkgs = new Map();
function pkgsOnStack(id) {
  if (!stackPkgs.has(id)) {
    const up = parent.has(id) ? pkgsOnStack(parent.get(id)) : new Set();
    stackPkgs.set(id, new Set([...up, where(byId.get(id).callFrame).pkg]));
  }
  return stackPkgs.get(id);
}

const fns = new Map();
const pkgs = new Map();
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const cf = byId.get(id).callFrame;
  const w = where(cf);
  const key = `${cf.functionName || '(anonymous)'} ${w.at}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  pkgs.set(w.pkg, (pkgs.get(w.pkg) ?? 0) + us);
  for (const pkg of pkgsOnStack(id)) inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
const special = ['(idle)', '(garbage collector)', '(program)'].map((name) => `${name} ${pct(pkgs.get(name) ?? 0)}`);
console.log(`${file}\n${(totalUs / 1e6).toFixed(1)} s sampled${windowSeconds ? ` (the busiest ${windowSeconds} s)` : ''}: ${special.join(', ')}\n`);
console.log(`top ${top} functions by self time:`);
for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
console.log('\nself time by package:');
for (const [pkg, us] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${pct(us)}  ${pkg}  (on the stack: ${pct(inclusive.get(pkg) ?? 0).trim()})`);
