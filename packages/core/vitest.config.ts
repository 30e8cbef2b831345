import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  ...resolveSource,
  // The examples import the package by its name, as users do; tests run them against the source.
  resolve: {
    ...resolveSource.resolve,
    alias: [
      { find: /^@backprop\/core$/, replacement: source('./src/index.ts') },
      { find: /^@backprop\/core\/node$/, replacement: source('./src/node.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
