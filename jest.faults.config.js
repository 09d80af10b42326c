// `npm run test:faults` (scripts/test-faults.js): the scenarios in
// test/faults/, one at a time (they start servers, kill them and load them),
// with no per-test timeout worth the name: sizes come from FAULTS_* env vars.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault.ts'],
  testTimeout: 3_600_000,
  maxWorkers: 1,
};
