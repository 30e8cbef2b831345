import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

export default defineConfig({
  ...resolveSource,
  test: {
    include: ['src/**/*.test.ts'],
    // A few tests start a Node child process (~0.1 s each, more on a busy 2-core machine).
    testTimeout: 20_000,
  },
});
