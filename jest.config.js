/** Jest with swc: no type-checking here (`npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  // middy 7 and commander 15 ship ESM only: let swc transform them; point at middy's entry (it exports only an
  // `import` condition).
  transformIgnorePatterns: ['/node_modules/(?!(@middy|commander)/)'],
  moduleNameMapper: {
    '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
