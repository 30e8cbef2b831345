import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

export default defineConfig({
  ...resolveSource,
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The end-to-end suite starts a server and Chromium and trains in the page: far above vitest's 5 s on 2 cores.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
