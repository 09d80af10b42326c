#!/usr/bin/env node
// `npm run manage -- <command>`: runs the compiled CLI (dist/src/cli/manage.js),
// compiling first only when src/ changed since the last build.
const { buildIfStale } = require('./build');

try {
  buildIfStale();
} catch {
  process.exit(1);
}
require('../dist/src/cli/manage.js');
