// The second-factor building blocks are domain code: they import nothing
// from the GraphQL or HTTP edges, nor config (they take what they need as
// arguments), and the WebAuthn library loads on first use, not on import.
// The primitives (codes, keys, QR, WebAuthn) import only each other; the
// second factors built on them (methods, challenges, settings) use the
// entities and the other domain folders too, but never an edge or config.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const FOLDERS = ['src/second-factor', 'src/crypto'];
const PRIMITIVES = new Set(['totp.ts', 'qr.ts', 'recovery-codes.ts', 'webauthn.ts', 'webauthn-failure.ts', 'derive-key.ts', 'secret-box.ts']);

const importsOf = (source: string) =>
  [...source.matchAll(/\bfrom '([^']+)'|\bimport\('([^']+)'\)|\brequire\('([^']+)'\)/g)].map((m) => m[1] ?? m[2] ?? m[3]).filter((s) => s.startsWith('.'));

test('the primitives import only node:, libraries and each other; nothing here imports an edge or config', () => {
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
      for (const spec of importsOf(readFileSync(join(ROOT, folder, file), 'utf8'))) {
        const edge = `${folder}/${file} → ${spec}`;
        expect(edge).not.toMatch(/ → \.\.\/(graphql|http)\/| → \.\.\/config(\/|$)/);
        if (PRIMITIVES.has(file)) expect(edge).toMatch(/ → \.\/[\w-]+$| → \.\.\/(crypto|second-factor)\/[\w-]+$/);
      }
    }
  }
});

test('importing webauthn.ts does not load @simplewebauthn/server; the first ceremony does', () => {
  const script = `
    const loaded = () => Object.keys(require.cache).some((p) => p.includes('@simplewebauthn'));
    const w = require(${JSON.stringify(join(ROOT, 'dist/src/second-factor/webauthn.js'))});
    const before = loaded();
    w.authenticationOptions({ rpId: 'app.test' }).then(() => console.log(JSON.stringify({ before, after: loaded() })));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
});
