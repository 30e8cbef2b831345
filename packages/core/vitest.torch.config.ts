import { defineConfig } from 'vitest/config';
import { resolveSource } from '../../resolve-source.js';

// `pnpm test:torch`: core's reference values against real PyTorch (torch-test/); apart from
// `pnpm test`, which needs no Python. One child process: test/torch-reference/run_all.py.
export default defineConfig({
  ...resolveSource,
  test: {
    include: ['torch-test/**/*.test.ts'],
    testTimeout: 240_000,
  },
});
