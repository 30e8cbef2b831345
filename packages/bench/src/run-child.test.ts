import { describe, expect, it } from 'vitest';
import { formatResultLine, parseChildOutput, RESULT_MARKER, runChild } from './run-child.js';

describe('parseChildOutput', () => {
  it('reads the last marked line and ignores everything else', () => {
    const stdout = [
      'a notice',
      formatResultLine({ figures: { x: 1 } }),
      'more noise',
      formatResultLine({ figures: { x: 2 }, details: { threads: '1' } }),
      '',
    ].join('\n');
    expect(parseChildOutput(stdout, 'test')).toEqual({ figures: { x: 2 }, details: { threads: '1' } });
  });

  it('keeps a side\'s "not supported" reason', () => {
    expect(parseChildOutput(formatResultLine({ figures: {}, unsupported: 'no kernel' }), 'test').unsupported).toBe(
      'no kernel',
    );
  });

  it('fails, naming the measurement, without a result line, with broken JSON or with non-numeric figures', () => {
    expect(() => parseChildOutput('nothing here\n', 'matmul · tfjs-cpu')).toThrow(
      'matmul · tfjs-cpu: the child process printed no line',
    );
    expect(() => parseChildOutput(`${RESULT_MARKER}{oops`, 'm')).toThrow("m: the child's result is not JSON");
    expect(() => parseChildOutput(`${RESULT_MARKER}{"figures":{"x":"fast"}}`, 'm')).toThrow(
      'needs "figures" with finite numbers',
    );
  });
});

describe('runChild', () => {
  const node = (script: string) => ['-e', script];

  it('resolves with the result a child prints', async () => {
    const line = formatResultLine({ figures: { 'samples/s at batch 64': 12_345 } });
    await expect(
      runChild(process.execPath, node(`console.log('warming up'); console.log(${JSON.stringify(line)})`), {
        label: 'ok',
      }),
    ).resolves.toEqual({
      figures: { 'samples/s at batch 64': 12_345 },
    });
  });

  it('rejects with the exit code and the tail of stderr when a child crashes', async () => {
    const crash = runChild(
      process.execPath,
      node("console.error('loading'); console.error('Kernel exploded'); process.exit(3)"),
      { label: 'cnn · tfjs-wasm · run 1/3' },
    );
    await expect(crash).rejects.toThrow(
      /^cnn · tfjs-wasm · run 1\/3: the child process exited with code 3; the last lines of its stderr:\nloading\nKernel exploded$/,
    );
  });

  it('rejects a child that exits cleanly without a result, and one that runs past its time', async () => {
    await expect(runChild(process.execPath, node("console.log('done')"), { label: 'quiet' })).rejects.toThrow(
      'quiet: the child process printed no line',
    );
    await expect(
      runChild(process.execPath, node('setTimeout(() => {}, 60_000)'), { label: 'slow', timeoutMs: 300 }),
    ).rejects.toThrow('slow: the child process took longer than 300 ms and was killed');
  });
});
