// `backprop train`: options → data → model → run directory → training session, with Ctrl-C
// stopping after the current step (checkpoint written, exit 130) and --resume continuing exactly.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { buildModel, type ModelSpec } from '@backprop/core';
import { flagOptions, readConfigFile, resolveRunOptions, resolveTrainConfig, type RunOptions, type TrainConfig } from '../config/train-config.js';
import { loadData } from '../data/load-data.js';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { invocation } from '../invocation.js';
import { checkModelFits, resolveModelSpec } from '../model/model-spec.js';
import { createReporter } from '../report/create-reporter.js';
import { claimRunDirectory, runPaths, writeRunFile } from '../run/run-directory.js';
import { decodeSession, type SessionState } from '../run/training-checkpoint.js';
import { loadWeightsFile } from '../run/weights-file.js';
import { runTrainingSession } from '../train/training-session.js';

/** The flags of `backprop train` as commander hands them over (strings, booleans). */
export interface TrainFlags extends Record<string, unknown> {
  config?: string;
  resume?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Flags that a resumed run may take; everything else is fixed by the run's config.json. */
const RESUME_FLAGS = new Set(['resume', 'workers', 'maxClasses', 'json', 'quiet', 'verbose']);

/**
 * Runs `backprop train`; resolves with the exit code (0 done, 130 stopped by Ctrl-C).
 *
 * @example
 * ```ts
 * process.exitCode = await trainCommand({ data: 'circles', epochs: '5' });
 * ```
 */
export async function trainCommand(flags: TrainFlags): Promise<number> {
  const switches = { force: flags.force === true, json: flags.json === true, quiet: flags.quiet === true, verbose: flags.verbose === true };
  let config: TrainConfig;
  let run: RunOptions;
  let resumeFrom: SessionState | null = null;
  let resumedSpec: ModelSpec | null = null;
  let directory: string;
  if (flags.resume !== undefined) {
    const given = Object.keys(flags).filter((key) => flags[key] !== undefined && flags[key] !== false && !RESUME_FLAGS.has(key));
    if (given.length > 0) {
      const flag = `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw usageError(`--resume continues a run with its own config.json; drop ${flag} (only --workers, --max-classes, --json, --quiet, --verbose may change), or start a new run`);
    }
    directory = flags.resume;
    const resumed = readResume(directory);
    config = resumed.config;
    resumeFrom = resumed.state;
    resumedSpec = resumed.spec;
    run = resolveRunOptions(flagOptions(flags), switches);
    if (resumeFrom.position.epoch >= config.epochs) {
      if (!run.quiet) process.stdout.write(`${directory} already finished all ${config.epochs} epochs; nothing to resume (start a new run to train more)\n`);
      return ExitCode.ok;
    }
  } else {
    const raw = { ...(flags.config !== undefined ? readConfigFile(flags.config) : {}), ...flagOptions(flags) };
    config = resolveTrainConfig(raw);
    run = resolveRunOptions(raw, switches);
    directory = '';
  }

  const data = loadData(config, { maxClasses: run.maxClasses });
  // A resumed run uses the spec saved in its checkpoint (a --model file may have moved since).
  const spec = resumedSpec ?? resolveModelSpec(config, data);
  checkModelFits(spec, data, config.model);
  // --init-from: a state_dict (e.g. from the PyTorch hand-off's train.py), checked against the spec now.
  const initialWeights = typeof flags.initFrom === 'string' ? loadWeightsFile(flags.initFrom, buildModel(spec), '--init-from') : null;
  if (config.augment === 'shift' && data.sampleShape.length !== 3) {
    throw usageError(`--augment shift moves images, but the data has samples of shape [${data.sampleShape.join(', ')}]; use --augment none`);
  }
  if (resumedSpec === null) directory = claimRunDirectory(run.out, `${shortName(config.data)}-${shortName(config.model)}`, run.force);
  const paths = runPaths(directory);
  if (resumeFrom === null) await writeRunFile(paths.config, `${JSON.stringify(config, null, 2)}\n`);

  const workers = usefulWorkers(run.workers, config);
  const reporter = createReporter(run);
  const resumeCommand = `${invocation()} train --resume ${directory}`;
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) {
      // NOTE(second-signal): every file is written atomically (temp file + rename), so leaving now tears none.
      const saved = existsSync(paths.checkpoint);
      process.stderr.write(
        saved
          ? `\nstopped at once; the last checkpoint stays valid: ${resumeCommand}\n`
          : `\nstopped at once, before the first checkpoint (written at the end of each epoch); start again with: ${invocation()} train --out ${directory} --force\n`,
      );
      process.exit(ExitCode.interrupted);
    }
    stopRequested = true;
    reporter.notice('stopping after the current step (Ctrl-C again to quit at once)…');
  };
  process.on('SIGINT', onSignal);
  try {
    reporter.start({
      out: directory,
      resumed: resumeFrom !== null,
      data: data.description,
      trainSamples: data.train.length,
      testSamples: data.test.length,
      model: describeModel(config),
      parameters: buildModel(spec).parameters().reduce((total, p) => total + p.size, 0),
      workers: workers.count,
      config,
    });
    if (workers.note !== null) reporter.notice(workers.note);
    for (const warning of data.warnings) reporter.notice(`warning: ${warning}`);
    if (initialWeights !== null) reporter.notice(`starting from the weights in ${String(flags.initFrom)}, not random ones`);
    const result = await runTrainingSession({ config, spec, data, paths, workers: workers.count, reporter, resumeFrom, initialWeights, shouldStop: () => stopRequested });
    if (result.status === 'interrupted') {
      reporter.interrupted({ out: directory, epoch: result.position.epoch + 1, batch: result.position.batch, resumeCommand });
      return ExitCode.interrupted;
    }
    const last = result.last!;
    reporter.done({ out: directory, command: invocation(), images: data.sampleShape.length === 3 && data.sampleShape[0] === 1, epochs: config.epochs, testLoss: last.testLoss, testAccuracy: last.testAccuracy, seconds: result.seconds });
    return ExitCode.ok;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/**
 * The worker threads worth starting: never more than the cores, nor than the chunks of one step
 * (each step's chunks are the unit of work; the result does not depend on the count).
 */
function usefulWorkers(asked: number, config: Pick<TrainConfig, 'batchSize' | 'chunkSize'>): { count: number; note: string | null } {
  const chunks = Math.ceil(config.batchSize / config.chunkSize);
  const cores = availableParallelism();
  const count = Math.max(1, Math.min(asked, cores, chunks));
  if (count === asked) return { count, note: null };
  const why = count === chunks ? `each step has ${chunks} chunk${chunks === 1 ? '' : 's'} of work (--batch-size ${config.batchSize} / --chunk-size ${config.chunkSize})` : `this machine has ${cores} cores`;
  return { count, note: `using ${count} worker${count === 1 ? '' : 's'}, not ${asked}: ${why}; the result is the same` };
}

function describeModel(config: TrainConfig): string {
  if (config.model === 'mlp') return `mlp (hidden ${config.hidden.join(', ')})`;
  if (config.model === 'cnn') return `cnn (LeNet-style, channels ${config.channels.join(', ')})`;
  return config.model;
}

/** `mnist` → mnist, `data/fashion` → fashion, `net.json` → net. */
function shortName(value: string): string {
  const name = basename(value.split(',')[0]!, extname(value.split(',')[0]!));
  return name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'run';
}

function readResume(directory: string): { config: TrainConfig; state: SessionState; spec: ModelSpec } {
  const paths = runPaths(directory);
  if (!existsSync(directory)) throw usageError(`--resume ${directory}: no such directory; give the run directory printed by backprop train`);
  if (existsSync(paths.config) && !existsSync(paths.checkpoint)) {
    throw usageError(`--resume ${directory}: the run stopped before its first checkpoint (written at the end of each epoch); start it again with --out ${directory} --force`);
  }
  if (!existsSync(paths.config) || !existsSync(paths.checkpoint)) {
    throw usageError(`--resume ${directory}: not a run directory (it needs config.json and checkpoint.safetensors); give the directory printed by backprop train`);
  }
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(readFileSync(paths.config, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw runtimeError(`${paths.config} is damaged (${firstLine(error)}); the run cannot be resumed`, error);
  }
  const raw = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null).map(([key, value]) => [key, { value, source: { flag: `--${key}`, file: paths.config, key } }]));
  const config = resolveTrainConfig(raw);
  const { state, spec, config: saved } = decodeSession(readFileSync(paths.checkpoint), paths.checkpoint);
  if (JSON.stringify(saved) !== JSON.stringify(config)) {
    throw runtimeError(`${paths.config} differs from the config saved in the checkpoint (was it edited?); restore it or start a new run`);
  }
  return { config, state, spec };
}
