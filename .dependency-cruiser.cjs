// The layering rules `npm run deps` checks (and .ci/run): arrows point
// inward — the edge (graphql/, http/, cli/) → the domain → primitives — and
// never back, with no import cycles anywhere. Type-only imports count too.
// second-factor/ and crypto/ (issue 13's building blocks, on main) are domain too.
const DOMAIN = '^src/(accounts|events|audit|sessions|sign-in|social|second-factor|crypto|throttle|mail|db|entities|net)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycles: each module can be understood (and loaded) before the ones that use it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-stays-inside',
      comment: 'Domain folders never import the GraphQL or HTTP edge, nor the app and services wiring that imports it.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: ['^src/(graphql|http|cli)/', '^src/(app|services|index)\\.ts$'] },
    },
    {
      name: 'providers-stand-alone',
      comment: 'A provider file imports nothing of ours outside social/providers/ (library code only), so it can be read and tested on its own.',
      severity: 'error',
      from: { path: '^src/social/providers/' },
      to: { path: '^src/', pathNot: '^src/social/providers/' },
    },
    {
      name: 'config-is-not-imported-back',
      comment:
        'The primitives config.ts validates with (keys, addresses, database URLs, provider descriptors) never import config.ts: they declare the small shapes they need, or use config/types.ts.',
      severity: 'error',
      from: { path: ['^src/config/', '^src/sessions/keys\\.ts$', '^src/net/', '^src/db/database-url\\.ts$', '^src/social/providers/'] },
      to: { path: '^src/config\\.ts$' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      comment: 'What ships must not need a devDependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves to a file or a package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
