/**
 * Two projects: the gateway (Node, everything under src/ and test/ but the web app) and the web app's component
 * tests (jsdom, TSX), so that `npm test` runs both.
 * @type {import('jest').Config}
 */
const shared = { setupFiles: ['reflect-metadata'] };

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'gateway',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/bench/', '/src/web/'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    },
    {
      ...shared,
      displayName: 'web',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/src/web'],
      testMatch: ['**/*.test.ts?(x)'],
      transform: {
        '^.+\\.tsx?$': [
          'ts-jest',
          {
            tsconfig: {
              jsx: 'react-jsx',
              module: 'commonjs',
              esModuleInterop: true,
              strict: true,
              isolatedModules: true,
            },
          },
        ],
      },
    },
  ],
};
