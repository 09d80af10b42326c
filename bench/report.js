'use strict';
// Turns the runs into medians, ratios, the printed table and the targets of
// issue 6 (PASS/MISS).
const METRICS = ['rps', 'p50', 'p99', 'mean', 'cpuUsPerRequest'];

const median = (values) => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function medianOf(runs) {
  const out = Object.fromEntries(METRICS.map((m) => [m, median(runs.map((r) => r[m]))]));
  if (runs.some((r) => r.stormLoginRps !== undefined)) out.stormLoginRps = median(runs.map((r) => r.stormLoginRps));
  out.failed = runs.reduce((n, r) => n + r.failed + r.non2xx + r.errors, 0);
  return out;
}

/** Per scenario: median authql and baseline figures and authql's req/s as a share of the baseline's. */
function summarise(scenarioList, runs) {
  return scenarioList.map(({ key, label }) => {
    const authql = medianOf(runs[key].authql);
    const baseline = medianOf(runs[key].baseline);
    return { key, label, authql, baseline, ratio: authql.rps / baseline.rps, runs: runs[key] };
  });
}

function targets(rows, memory, users) {
  const by = Object.fromEntries(rows.map((r) => [r.key, r]));
  const list = [
    ['verifyToken req/s vs baseline', () => by.verify.ratio, '≥ 0.50', (v) => v >= 0.5],
    ['users first page req/s vs baseline', () => by.usersFirst.ratio, '≥ 0.40', (v) => v >= 0.4],
    ['deep page p50 / first page p50', () => by.usersDeep.authql.p50 / by.usersFirst.authql.p50, '≤ 1.30', (v) => v <= 1.3],
    ['verifyToken p99 during login storm / alone', () => by.verifyStorm.authql.p99 / by.verify.authql.p99, '≤ 3.00', (v) => v <= 3],
    [`server peak RSS (VmHWM, ${users.toLocaleString('en-US')} users), MB`, () => memory.authql.hwmMb, '≤ 250', (v) => v <= 250],
  ];
  // With BENCH_ONLY some inputs are missing: those targets are left out.
  return list.flatMap(([name, value, goal, ok]) => {
    let v;
    try {
      v = value();
    } catch {
      return [];
    }
    return [{ name, value: v, goal, pass: ok(v) }];
  });
}

const num = (v, digits = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');

function table(rows, memory, targetList) {
  const header = ['scenario', 'authql req/s', 'p50 ms', 'p99 ms', 'CPU µs', 'baseline req/s', 'p50 ms', 'p99 ms', 'CPU µs', 'ratio'];
  const body = rows.map((r) => [
    r.label, num(r.authql.rps, 0), num(r.authql.p50, 2), num(r.authql.p99, 2), num(r.authql.cpuUsPerRequest, 0),
    num(r.baseline.rps, 0), num(r.baseline.p50, 2), num(r.baseline.p99, 2), num(r.baseline.cpuUsPerRequest, 0), num(r.ratio, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...body.map(line)];
  const storm = rows.find((r) => r.key === 'verifyStorm');
  if (storm) out.push('', `login storm alongside: authql ${num(storm.authql.stormLoginRps, 0)} logins/s, baseline ${num(storm.baseline.stormLoginRps, 0)} logins/s`);
  out.push(`memory under load: authql peak ${num(memory.authql.hwmMb)} MB (VmHWM), ${num(memory.authql.maxRssMb)} MB max sampled VmRSS; baseline peak ${num(memory.baseline.hwmMb)} MB`);
  const heap = memory.authql.heap;
  if (heap) out.push(`authql V8 heap at the end: ${num(heap.heapTotalMb)} MB (${num(heap.heapUsedMb)} MB used, new space ${num(heap.newSpaceMb)} MB), external ${num(heap.externalMb)} MB`);
  const failed = rows.filter((r) => r.authql.failed || r.baseline.failed);
  for (const r of failed) out.push(`WARNING ${r.label}: ${r.authql.failed} failed answers from authql, ${r.baseline.failed} from the baseline`);
  out.push('', 'targets:');
  for (const t of targetList) out.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${num(t.value, 2)} (${t.goal})`);
  return out.join('\n');
}

module.exports = { summarise, table, targets };
