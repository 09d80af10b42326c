// Compiles src/ to dist/ once per test run (skipped when dist/ was built
// from the current sources), so tests that spawn the real commands
// (`manage`, the server process) run the code under test.
const { buildIfStale } = require('../../scripts/build');

module.exports = async () => {
  buildIfStale();
};
