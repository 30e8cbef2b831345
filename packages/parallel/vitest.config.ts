import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

export default defineConfig({
  ...resolveSource,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests start worker threads (each loads tsx and core): far above vitest's 5 s on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
