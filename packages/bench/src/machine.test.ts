import { describe, expect, it } from 'vitest';
import { headerLine, packageVersions, type MachineSnapshot } from './machine.js';

const snapshot = (time: string, loadAverage: number[]): MachineSnapshot => ({
  cpu: 'AMD EPYC 7B13',
  cores: 2,
  parallelism: 2,
  memoryGiB: 23.6,
  node: 'v20.20.2',
  loadAverage,
  time: new Date(time),
});

describe('headerLine', () => {
  it('names the machine, the versions, the UTC times and the load average at both ends', () => {
    const line = headerLine(
      snapshot('2026-11-26T03:20:41Z', [0.4, 1.912, 2.98]),
      snapshot('2026-11-26T03:27:05Z', [2.1, 1.95, 2.5]),
      ['@backprop/core 0.1.0'],
    );
    expect(line).toBe(
      'AMD EPYC 7B13, 2 cores (availableParallelism 2), 24 GiB · Node v20.20.2 · @backprop/core 0.1.0 · 2026-11-26 03:20 → 03:27 UTC · ' +
        'load average (1 / 5 / 15 min) 0.40 / 1.91 / 2.98 at start, 2.10 / 1.95 / 2.50 at end',
    );
  });

  it('writes the end date too when the run crosses midnight', () => {
    expect(
      headerLine(snapshot('2026-11-26T23:58:00Z', [1, 1, 1]), snapshot('2026-11-27T00:04:00Z', [1, 1, 1]), []),
    ).toContain('2026-11-26 23:58 → 2026-11-27 00:04 UTC');
  });
});

describe('packageVersions', () => {
  it('reads the installed versions of the packages under test', () => {
    expect(packageVersions(['@tensorflow/tfjs-core'])).toEqual(['@tensorflow/tfjs-core 4.22.0']);
  });
});
