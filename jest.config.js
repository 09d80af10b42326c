// Tests are TypeScript compiled by SWC with decorator metadata, which
// type-graphql and MikroORM rely on; type errors are caught by `npm run typecheck`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  testTimeout: 30000,
  maxWorkers: 2,
};
