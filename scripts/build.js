#!/usr/bin/env node
// `npm run build`: src/ → dist/ with tsc. With --if-stale (npm start,
// npm run manage, the test setup) the compile, which takes seconds, is
// skipped when dist/ was built from exactly the sources there now: a hash of
// every file under src/ and the tsconfigs is kept next to the output.
// Usable as a module too: require('./build').buildIfStale().
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.source-hash');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

function files(rel) {
  const abs = path.join(ROOT, rel);
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((name) => files(path.join(rel, name)));
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files))
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(ROOT, file)))
      .update('\0');
  return hash.digest('hex');
}

function build() {
  const hash = sourceHash();
  // Without the TypeScript compiler (an install with --omit=dev) this fails with its own message.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  fs.writeFileSync(STAMP, `${hash}\n`);
}

/** Compiles only when the sources differ from the ones dist/ was built from; true when it compiled. */
function buildIfStale() {
  const built = fs.existsSync(STAMP) && fs.existsSync(path.join(ROOT, 'dist/src/index.js')) ? fs.readFileSync(STAMP, 'utf8').trim() : '';
  if (built === sourceHash()) return false;
  build();
  return true;
}

module.exports = { build, buildIfStale };

if (require.main === module) {
  try {
    if (process.argv.includes('--if-stale')) buildIfStale();
    else build();
  } catch {
    // tsc has printed the errors.
    process.exit(1);
  }
}
