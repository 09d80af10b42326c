// The second factors are domain code: they import nothing from the GraphQL
// or HTTP edges, the CLI, the app's wiring or config (they take what they need
// as arguments; the entities and other domain folders are fine), and the
// WebAuthn library loads on first use, not on import.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const FOLDERS = ['src/second-factor', 'src/crypto'];

test('they import no edge, no wiring and no config', () => {
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(ROOT, folder, file), 'utf8');
      const imported = [...source.matchAll(/\bfrom '([^']+)'|\bimport\('([^']+)'\)|\brequire\('([^']+)'\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const spec of imported.filter((s) => s.startsWith('.'))) {
        expect(`${folder}/${file} → ${spec}`).not.toMatch(/ → \.\.\/(graphql|http|cli|config)(\/|$)| → \.\.\/(app|services|index|config)$/);
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
