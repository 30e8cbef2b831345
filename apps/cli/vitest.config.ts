import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

export default defineConfig({
  ...resolveSource,
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The tests run the built binary as child processes that start worker threads: far above 5 s on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
