import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // A few tests start a Node child process (~0.1 s each, more on a busy 2-core machine).
    testTimeout: 20_000,
  },
});
