import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

// `pnpm test:torch`: the PyTorch hand-off against real PyTorch (torch-test/); apart from `pnpm test`,
// which needs no Python. Child processes: torchrun with 2 workers, the built CLI.
export default defineConfig({
  ...resolveSource,
  test: {
    include: ['torch-test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
