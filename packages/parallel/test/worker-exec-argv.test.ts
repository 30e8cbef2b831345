// Worker threads and the main thread's command line: from source, the Node transport passes the main
// thread's module-loading options on to its threads (workerExecArgv) and leaves V8 flags out — a
// worker given `execArgv` refuses them, and they apply to every thread anyway.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/piscina-transport.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('workerExecArgv', () => {
  it('keeps export conditions and module hooks with their values, and drops V8 and process flags', () => {
    const argv = [
      '--single-threaded-gc',
      '--max-old-space-size=4096',
      '--import',
      'tsx',
      '--conditions=@backprop/source',
      '-C',
      'development',
      '--title=trainer',
      '--require',
      './setup.cjs',
      '--stack-size',
      '2000',
    ];
    expect(workerExecArgv(argv)).toEqual([
      '--import',
      'tsx',
      '--conditions=@backprop/source',
      '-C',
      'development',
      '--require',
      './setup.cjs',
    ]);
  });

  it('a process started with V8 GC flags trains on worker threads', () => {
    // Before: ERR_WORKER_INVALID_EXEC_ARGV ("Initiated Worker with invalid execArgv flags: --single-threaded-gc").
    const result = spawnSync(
      process.execPath,
      [
        '--single-threaded-gc',
        '--max-semi-space-size=4',
        '--import',
        'tsx',
        '--conditions=@backprop/source',
        fixture('train-and-close.ts'),
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^loss \d+\.\d+ closed$/);
  }, 40_000);
});
