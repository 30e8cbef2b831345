// The report's header: which machine, which versions, when, and how busy the machine was (its load
// average at the start and at the end: the cores are shared, and the figures move with the load).
import { createRequire } from 'node:module';
import os from 'node:os';

/** The machine at one moment. */
export interface MachineSnapshot {
  readonly cpu: string;
  readonly cores: number;
  /** `os.availableParallelism()`: the workers of "all cores". */
  readonly parallelism: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1-, 5- and 15-minute load averages. */
  readonly loadAverage: readonly number[];
  readonly time: Date;
}

/** The machine now. */
export function snapshotMachine(): MachineSnapshot {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    parallelism: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    loadAverage: os.loadavg(),
    time: new Date(),
  };
}

/** Versions of the packages under test, read from their package.json files (`name version` each). */
export function packageVersions(names: readonly string[]): string[] {
  const require = createRequire(import.meta.url);
  return names.map((name) => `${name} ${(require(`${name}/package.json`) as { version: string }).version}`);
}

const load = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(' / ');
const utc = (time: Date) => time.toISOString().slice(0, 16).replace('T', ' ');

/**
 * One line: CPU, cores, memory, Node, the versions, start and end time (UTC) and the load average
 * (1 / 5 / 15 minutes) at both ends.
 *
 * @example
 * ```ts
 * headerLine(start, snapshotMachine(), ['@backprop/core 0.1.0', '@tensorflow/tfjs-core 4.22.0']);
 * // 'AMD EPYC 7B13, 2 cores (availableParallelism 2), 24 GiB · Node v20.20.2 · … · YYYY-MM-DD hh:mm → hh:mm UTC · load average 0.40 / 1.91 / 2.98 at start, 2.10 / 1.95 / 2.50 at end'
 * ```
 */
export function headerLine(start: MachineSnapshot, end: MachineSnapshot, versions: readonly string[]): string {
  const sameDay = utc(start.time).slice(0, 10) === utc(end.time).slice(0, 10);
  return [
    `${start.cpu}, ${start.cores} cores (availableParallelism ${start.parallelism}), ${Math.round(start.memoryGiB)} GiB`,
    `Node ${start.node}`,
    versions.join(', '),
    `${utc(start.time)} → ${sameDay ? utc(end.time).slice(11) : utc(end.time)} UTC`,
    `load average (1 / 5 / 15 min) ${load(start.loadAverage)} at start, ${load(end.loadAverage)} at end`,
  ].join(' · ');
}
