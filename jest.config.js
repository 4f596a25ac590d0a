/**
 * Jest runs the TypeScript sources as ES modules through SWC (with decorator metadata, which
 * NestJS dependency injection and TypeORM need). Start it with NODE_OPTIONS=--experimental-vm-modules.
 */
const swc = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

export default {
  rootDir: '.',
  testTimeout: 60000,
  maxWorkers: 2,
  // Under --experimental-vm-modules each test file's module graph stays in the worker's heap
  // (jestjs/jest#14605, #9959): ~35–40 MB per file, 1.4–1.65 GB by the end of a full run, and a
  // heap that size takes longer to tear down than jest's 500 ms grace ("worker process failed to
  // exit gracefully"). A worker whose heap has passed this limit after a file is replaced.
  workerIdleMemoryLimit: '512MB',
  projects: [
    // Pure domain specs: framework-free libs, no database.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts'], testPathIgnorePatterns: ['/libs/persistence/'] },
    // Everything that touches PostgreSQL: a template database with the migrations applied is made
    // once per run; each test file gets its own copy of it.
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/persistence/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    // The HTTP specs that route contacts, again on the in-memory routing engine (ROUTING_ENGINE=memory):
    // both engines must answer the same.
    {
      ...common,
      displayName: 'routing-memory',
      testMatch: ['<rootDir>/test/http/(routing|reports|feedback|privacy|forecast-routed)-*.spec.ts', '<rootDir>/test/routing/(three-instances|call-draining|cross-channel-customers).spec.ts'],
      testPathIgnorePatterns: ['/routing-memory-engine\\.spec\\.ts$'],
      setupFiles: ['<rootDir>/test/setup/routing-memory-engine.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
