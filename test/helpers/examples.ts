// For the tests of examples/*: each example is a package of its own. .ci/run
// installs their packages; a fresh clone gets them here, once, from the
// example's own lockfile.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { basename, join } from 'node:path';

/** `npm ci` in the example unless every one of `packages` is installed there. */
export function installExamplePackages(dir: string, packages: string[]): void {
  if (packages.every((pkg) => existsSync(join(dir, 'node_modules', pkg, 'package.json')))) return;
  const name = `examples/${basename(dir)}`;
  process.stderr.write(`${name}/node_modules is missing: running \`npm ci\` there (needs the npm registry)\n`);
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', timeout: 240_000 });
  } catch (err) {
    throw new Error(`could not install ${name}'s packages; run \`npm ci\` in ${name} yourself (${String(err)})`);
  }
}

/** A port nothing listens on right now (for a server that must know its port before it starts, or for a refused connection). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
