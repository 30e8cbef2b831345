// `pnpm bench`: Backprop beside TensorFlow.js in one run. Every measurement runs in child processes
// (src/child.ts), REPEATS per side, the sides taking turns; the medians go into ONE markdown report
// on stdout (progress on stderr). REPEATS=5, QUICK=1, SECTIONS=matmul,mlp,cnn,memory, OPTIMIZER=sgd.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarize, type SideSummary } from './comparison.js';
import { headerLine, packageVersions, snapshotMachine } from './machine.js';
import { runChild, type ChildResult } from './run-child.js';
import { matmulSection } from './sections/matmul.js';
import { memorySection } from './sections/memory.js';
import type { Section } from './sections/section.js';
import { cnnSection, mlpSection } from './sections/training.js';
import { readSettings, type Settings } from './settings.js';
import { CHUNK_SIZE, type Side } from './tasks.js';

const SECTIONS: readonly Section[] = [matmulSection, mlpSection, cnnSection, memorySection];

const VERSIONS = [
  '@backprop/core',
  '@backprop/parallel',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
];

/** The children import the built packages (the workers run dist/worker.js): fail early, with the fix. */
function checkBuilt(): void {
  for (const entry of ['@backprop/core', '@backprop/parallel/worker', '@backprop/datasets/node']) {
    let path: string | undefined;
    try {
      path = fileURLToPath(import.meta.resolve(entry));
    } catch {
      path = undefined;
    }
    if (path === undefined || !existsSync(path)) {
      throw new Error(
        `bench: ${entry} is not built (${path ?? 'unresolved'}); run \`pnpm build\` first, or \`pnpm bench\` from the repository root, which builds`,
      );
    }
  }
}

const childEntry = fileURLToPath(new URL('./child.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/**
 * Runs a section's tasks `repeats` times, the sides taking turns (so that load from other jobs
 * falls on every side alike), each run in a fresh process; a side that reports "not supported" is
 * not run again.
 */
async function runSection(section: Section, settings: Settings): Promise<Map<Side, SideSummary>> {
  const tasks = section.tasks(settings);
  const results = new Map<Side, ChildResult[]>(tasks.map((task) => [task.side, []]));
  for (let run = 1; run <= settings.repeats; run++) {
    for (const task of tasks) {
      const previous = results.get(task.side)!;
      if (previous.some((result) => result.unsupported !== undefined)) continue;
      const label = `${section.name} · ${task.side} · run ${run}/${settings.repeats}`;
      const started = performance.now();
      previous.push(
        await runChild(process.execPath, ['--import', tsxLoader, childEntry, JSON.stringify(task)], { label }),
      );
      process.stderr.write(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  }
  return new Map([...results].map(([side, sideResults]) => [side, summarize(sideResults)]));
}

/** How the figures were made, with what the TF.js wasm processes reported of themselves. */
function methodNotes(settings: Settings, summaries: readonly ReadonlyMap<Side, SideSummary>[]): string {
  const wasm = summaries
    .map((bySide) => bySide.get('tfjs-wasm')?.details)
    .find((details) => details?.['wasm threads'] !== undefined);
  return [
    '### How these were measured',
    [
      `- Each figure is the median over ${settings.repeats} child process${settings.repeats === 1 ? '' : 'es'} per side, run in turn (every side once, then again), so that load from other jobs falls on all sides alike; within a process, the median over its timed calls after warm-up${settings.timeScale < 1 ? ` (QUICK=1: time budgets × ${settings.timeScale})` : ''}.`,
      `- TF.js wasm: XNNPACK with \`setThreadsCount(1)\`, \`.wasm\` files loaded from node_modules${wasm ? ` (its processes reported SIMD ${wasm['wasm SIMD']}, ${wasm['wasm threads']} thread)` : ''}; gradients registered from tfjs-core (NOTE(tfjs-gradients) in src/measure/tfjs.ts).`,
      `- Backprop 1 thread: \`buildModel\` + \`crossEntropy\` + the optimizer in the process's own thread. All cores: \`DataParallelTrainer\` from \`@backprop/parallel/node\` (built \`dist/worker.js\`, chunks of ${CHUNK_SIZE} samples) with \`os.availableParallelism()\` worker threads.`,
      '- Both libraries build the same layers from one JSON model spec, each with its own seeded initial weights; a run whose loss does not fall fails the benchmark.',
    ].join('\n'),
  ].join('\n\n');
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  checkBuilt();
  const start = snapshotMachine();
  const sections = SECTIONS.filter((section) => settings.sections.includes(section.name));
  const rendered: string[] = [];
  const summaries: Map<Side, SideSummary>[] = [];
  for (const section of sections) {
    const bySide = await runSection(section, settings);
    summaries.push(bySide);
    rendered.push(section.render(bySide, settings));
  }
  const end = snapshotMachine();
  const report = [
    '## Backprop vs TensorFlow.js (`pnpm bench`)',
    headerLine(start, end, packageVersions(VERSIONS)),
    ...rendered,
    methodNotes(settings, summaries),
  ];
  process.stdout.write(`${report.join('\n\n')}\n`);
}

await main();
