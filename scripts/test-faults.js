#!/usr/bin/env node
// `npm run test:faults`: the scenarios in test/faults/ (jest.faults.config.js),
// one at a time, then the summary table the README's Reliability section is
// pasted from. Sizes: FAULTS_PROFILE=ci for the CI-sized run (.ci/run), else
// full size; every size has its own FAULTS_* variable (see test/faults/).
// Extra arguments go to jest (e.g. a scenario file, or --json --outputFile=F).
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const dir = path.join(ROOT, process.env.CI_ARTIFACTS || 'ci-artifacts');
mkdirSync(dir, { recursive: true });
const results = process.env.FAULTS_RESULTS || path.join(dir, 'faults.jsonl');
rmSync(results, { force: true });

const started = Date.now();
const r = spawnSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '-c', path.join(ROOT, 'jest.faults.config.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, FAULTS_RESULTS: results, FAULTS_LOG_DIR: process.env.FAULTS_LOG_DIR || path.join(dir, 'faults-logs') },
  },
);

const rows = existsSync(results)
  ? readFileSync(results, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const cell = (s) => String(s).replace(/\|/g, '\\|');
console.log(
  `\n## Faults summary (${process.env.FAULTS_PROFILE === 'ci' ? 'CI-sized' : 'full-size'} run, ${Math.round((Date.now() - started) / 1000)} s, node ${process.version})\n`,
);
console.log('| scenario | database | load | faults injected | requests served | errors by code | invariant violations | recovery |');
console.log('| --- | --- | --- | --- | ---: | --- | ---: | --- |');
for (const x of rows) {
  console.log(`| ${[x.scenario, x.database, x.load, x.faults, x.served, x.errors, x.violations, x.recovery].map(cell).join(' | ')} |`);
}
for (const x of rows.filter((x) => x.notes)) console.log(`\n- ${x.scenario} (${x.database}): ${x.notes}`);
if (!rows.length) console.log('(no scenario recorded a row)');
process.exit(r.status ?? 1);
