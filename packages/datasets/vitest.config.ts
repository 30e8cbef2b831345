import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

export default defineConfig({
  ...resolveSource,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
