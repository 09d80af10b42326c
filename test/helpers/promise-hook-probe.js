// Loaded into a server process with `node -r` (test/integration/promise-hooks.test.ts):
// on SIGUSR2 it says on stderr whether promises made now carry async-id symbols,
// which they do once any AsyncLocalStorage (or other promise hook) is on.

process.on('SIGUSR2', () => {
  const hooked = Object.getOwnPropertySymbols(new Promise(() => undefined)).length > 0;
  process.stderr.write(`promise-hooks: ${hooked ? 'on' : 'off'}\n`);
});
