// `backprop train`: options → data → model → run directory (locked) → training session, with Ctrl-C
// or a closed stdout stopping after the current step (checkpoint written, exit 130 or 141) and
// --resume continuing exactly.
import { existsSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES } from '@backprop/core/node';
import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { buildModel, type ModelSpec } from '@backprop/core';
import {
  flagOptions,
  readConfigFile,
  resolveRunOptions,
  resolveTrainConfig,
  type RunOptions,
  type TrainConfig,
} from '../config/train-config.js';
import { loadData } from '../data/load-data.js';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { invocation, shellWord } from '../invocation.js';
import { readUserFile } from '../run/user-file.js';
import { LIMITS } from '../config/limits.js';
import { checkModelFits, resolveModelSpec } from '../model/model-spec.js';
import { createReporter } from '../report/create-reporter.js';
import { decodeProgress } from '../report/decode-progress.js';
import { writeStdout, onStdoutClosed } from '../report/stdout-closed.js';
import { claimRunDirectory, discardUnstartedRun, runPaths, writeRunFile } from '../run/run-directory.js';
import { acquireRunLock, type RunLock } from '../run/run-lock.js';
import { checkPosition } from '../run/session-validation.js';
import { decodeSession, type SessionState } from '../run/training-checkpoint.js';
import { loadWeightsFile } from '../run/weights-file.js';
import { runTrainingSession } from '../train/training-session.js';

// NOTE(unstarted-run): options, data, model and a resumed checkpoint are all checked before the
// run directory is claimed, so a refused run writes nothing. A run that fails after the claim and
// before its first checkpoint (a step failing in a worker, a full disk) removes what it wrote, and
// the directory if it made it: a run directory always holds a checkpoint that --resume can use,
// or nothing of ours. Only a killed process (SIGKILL, a crash) can leave config.json alone, which
// --resume explains (start it again with --force).

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
const RESUME_FLAGS = new Set(['resume', 'workers', 'maxClasses', 'maxPixels', 'json', 'quiet', 'verbose']);

/**
 * Runs `backprop train`; resolves with the exit code (0 done, 130 stopped by Ctrl-C, 141 stopped
 * because stdout was closed).
 *
 * @example
 * ```ts
 * process.exitCode = await trainCommand({ data: 'circles', epochs: '5' });
 * ```
 */
export async function trainCommand(flags: TrainFlags): Promise<number> {
  const switches = {
    force: flags.force === true,
    json: flags.json === true,
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
  };
  let config: TrainConfig;
  let run: RunOptions;
  let resumeFrom: SessionState | null = null;
  let resumedSpec: ModelSpec | null = null;
  let lock: RunLock | null = null;
  let directory: string;
  if (flags.resume !== undefined) {
    const given = Object.keys(flags).filter(
      (key) => flags[key] !== undefined && flags[key] !== false && !RESUME_FLAGS.has(key),
    );
    if (given.length > 0) {
      const flag = `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw usageError(
        `--resume continues a run with its own config.json; drop ${flag} (only --workers, --max-classes, --max-pixels, --json, --quiet, --verbose may change), or start a new run`,
      );
    }
    directory = flags.resume;
    if (!existsSync(directory))
      throw usageError(`--resume ${directory}: no such directory; give the run directory printed by backprop train`);
    // The lock comes first: the files read next are those no other run is writing (NOTE(run-lock)).
    lock = acquireRunLock(directory, { flag: `--resume ${directory}`, command: 'train --resume' });
  } else {
    const raw = { ...(flags.config !== undefined ? readConfigFile(flags.config) : {}), ...flagOptions(flags) };
    config = resolveTrainConfig(raw);
    run = resolveRunOptions(raw, switches);
    directory = '';
  }
  try {
    if (lock !== null) {
      const resumed = readResume(directory);
      config = resumed.config;
      resumeFrom = resumed.state;
      resumedSpec = resumed.spec;
      run = resolveRunOptions(flagOptions(flags), switches);
      if (resumeFrom.position.epoch >= config.epochs) {
        if (!run.quiet)
          writeStdout(
            `${directory} already finished all ${config.epochs} epochs; nothing to resume (start a new run to train more)\n`,
          );
        return ExitCode.ok;
      }
    }
    return await train({
      config: config!,
      run: run!,
      resumeFrom,
      resumedSpec,
      directory,
      lock,
      initFrom: typeof flags.initFrom === 'string' ? flags.initFrom : null,
    });
  } finally {
    lock?.release();
  }
}

/** A run with its options resolved: validated against the data, then its directory claimed, then trained. */
async function train(options: {
  config: TrainConfig;
  run: RunOptions;
  resumeFrom: SessionState | null;
  resumedSpec: ModelSpec | null;
  directory: string;
  lock: RunLock | null;
  /** --init-from: a weights file to start from. */
  initFrom: string | null;
}): Promise<number> {
  const { config, run, resumeFrom, resumedSpec } = options;
  const data = await loadData(config, {
    maxClasses: run.maxClasses,
    maxPixels: run.maxPixels,
    onProgress: pictureProgress(run),
  });
  // A resumed run uses the spec saved in its checkpoint (a --model file may have moved since).
  const spec = resumedSpec ?? resolveModelSpec(config, data);
  checkModelFits(spec, data, config.model);
  // --init-from: a state_dict (e.g. from the PyTorch hand-off's train.py), checked against the spec now.
  const initialWeights =
    options.initFrom !== null ? loadWeightsFile(options.initFrom, buildModel(spec), '--init-from') : null;
  if (config.augment !== 'none' && data.sampleShape.length !== 3) {
    throw usageError(
      `--augment ${config.augment} moves images, but the data has samples of shape [${data.sampleShape.join(', ')}]; use --augment none`,
    );
  }
  if (resumeFrom !== null)
    checkPosition(
      resumeFrom,
      { epochs: config.epochs, batchSize: config.batchSize, trainSamples: data.train.length },
      runPaths(options.directory).checkpoint,
    );
  // Everything above is checked before anything is written (NOTE(unstarted-run)).
  const claimed =
    resumeFrom === null
      ? claimRunDirectory(run.out, `${shortName(config.data)}-${shortName(config.model)}`, run.force)
      : null;
  const directory = claimed?.directory ?? options.directory;
  const paths = runPaths(directory);
  const workers = usefulWorkers(run.workers, config);
  const reporter = createReporter(run);
  const resumeCommand = `${invocation()} train --resume ${shellWord(directory)}`;
  let stop: 'signal' | 'stdout' | null = null;
  // Aborted by Ctrl-C or a closed stdout: fit stops after the current step.
  const stopping = new AbortController();
  const onSignal = () => {
    if (stop === 'signal') {
      // NOTE(second-signal): every file is written atomically (temp file + rename), so leaving now tears none.
      const saved = existsSync(paths.checkpoint);
      if (!saved && claimed !== null) discardUnstartedRun(claimed);
      process.stderr.write(
        saved
          ? `\nstopped at once; the last checkpoint stays valid: ${resumeCommand}\n`
          : `\nstopped at once, before the first checkpoint; nothing of this run was kept: start it again with the same command\n`,
      );
      process.exit(ExitCode.interrupted);
    }
    stop = 'signal';
    stopping.abort();
    reporter.notice('stopping after the current step (Ctrl-C again to quit at once)…');
  };
  const stopListening = onStdoutClosed(() => {
    stop ??= 'stdout';
    stopping.abort();
    process.stderr.write('stdout was closed (the reader of the output left); stopping after the current step…\n');
  });
  process.on('SIGINT', onSignal);
  try {
    if (claimed !== null) await writeRunFile(paths.config, `${JSON.stringify(config, null, 2)}\n`);
    reporter.start({
      out: directory,
      resumed: resumeFrom !== null,
      data: data.description,
      trainSamples: data.train.length,
      testSamples: data.test.length,
      model: describeModel(config),
      parameters: buildModel(spec)
        .parameters()
        .reduce((total, p) => total + p.size, 0),
      workers: workers.count,
      config,
      classNames: data.classNames ?? null,
    });
    const stale = (claimed?.lock ?? options.lock)?.brokeStale;
    if (stale) reporter.notice(`note: removed the lock of pid ${stale.pid}, which is no longer running`);
    if (workers.note !== null) reporter.notice(workers.note);
    for (const warning of data.warnings) reporter.notice(`warning: ${warning}`);
    if (initialWeights !== null) reporter.notice(`starting from the weights in ${options.initFrom}, not random ones`);
    const result = await runTrainingSession({
      config,
      spec,
      data,
      paths,
      workers: workers.count,
      reporter,
      resumeFrom,
      initialWeights,
      signal: stopping.signal,
    });
    if (result.status === 'interrupted') {
      const event = { out: directory, epoch: result.position.epoch + 1, batch: result.position.batch, resumeCommand };
      if (stop === 'stdout') {
        // stdout is gone: say it where the user still looks.
        process.stderr.write(
          `stopped at epoch ${event.epoch}, batch ${event.batch}; checkpoint saved in ${paths.checkpoint}; resume with: ${resumeCommand}\n`,
        );
        return ExitCode.stdoutClosed;
      }
      reporter.interrupted(event);
      return ExitCode.interrupted;
    }
    const last = result.last!;
    reporter.done({
      out: directory,
      command: invocation(),
      images: data.sampleShape.length === 3 && data.sampleShape[0] === 1,
      epochs: config.epochs,
      testLoss: last.testLoss,
      testAccuracy: last.testAccuracy,
      seconds: result.seconds,
    });
    return ExitCode.ok;
  } catch (error) {
    if (claimed !== null) discardUnstartedRun(claimed);
    throw error;
  } finally {
    reporter.close();
    process.off('SIGINT', onSignal);
    stopListening();
    claimed?.lock.release();
  }
}

/**
 * The worker threads worth starting: never more than the cores, nor than the chunks of one step
 * (each step's chunks are the unit of work; the result does not depend on the count).
 */
function usefulWorkers(
  asked: number,
  config: Pick<TrainConfig, 'batchSize' | 'chunkSize'>,
): { count: number; note: string | null } {
  const chunks = Math.ceil(config.batchSize / config.chunkSize);
  const cores = availableParallelism();
  const count = Math.max(1, Math.min(asked, cores, chunks));
  if (count === asked) return { count, note: null };
  const why =
    count === chunks
      ? `each step has ${chunks} chunk${chunks === 1 ? '' : 's'} of work (--batch-size ${config.batchSize} / --chunk-size ${config.chunkSize})`
      : `this machine has ${cores} cores`;
  return {
    count,
    note: `using ${count} worker${count === 1 ? '' : 's'}, not ${asked}: ${why}; the result is the same`,
  };
}

/** A line on stderr while a large picture folder decodes (the reporter starts once the data is known). */
function pictureProgress(run: RunOptions): ((done: number, total: number) => void) | undefined {
  if (run.quiet || run.json || !process.stderr.isTTY) return undefined;
  return decodeProgress((text) => process.stderr.write(text));
}

function describeModel(config: TrainConfig): string {
  if (config.model === 'mlp') return `mlp (hidden ${config.hidden.join(', ')})`;
  if (config.model === 'cnn') return `cnn (LeNet-style, channels ${config.channels.join(', ')})`;
  if (config.model === 'photo-cnn')
    return `photo-cnn (conv + BatchNorm blocks of ${config.channels[0]}, ${config.channels[1]}, ${2 * config.channels[1]!} channels, global average pool)`;
  return config.model;
}

/** `mnist` → mnist, `data/fashion` → fashion, `net.json` → net. */
function shortName(value: string): string {
  const name = basename(value.split(',')[0]!, extname(value.split(',')[0]!));
  return name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'run';
}

function readResume(directory: string): { config: TrainConfig; state: SessionState; spec: ModelSpec } {
  const paths = runPaths(directory);
  if (existsSync(paths.config) && !existsSync(paths.checkpoint)) {
    throw usageError(
      `--resume ${directory}: the run stopped before its first checkpoint (written at the end of each epoch); start it again with --out ${shellWord(directory)} --force`,
    );
  }
  if (!existsSync(paths.config) || !existsSync(paths.checkpoint)) {
    throw usageError(
      `--resume ${directory}: not a run directory (it needs config.json and checkpoint.safetensors); give the directory printed by backprop train`,
    );
  }
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(
      new TextDecoder().decode(
        readUserFile(paths.config, { what: '--resume', maxBytes: LIMITS.jsonFileBytes, missing: 'start a new run' }),
      ),
    ) as Record<string, unknown>;
  } catch (error) {
    throw runtimeError(`${paths.config} is damaged (${firstLine(error)}); the run cannot be resumed`, error);
  }
  const raw = Object.fromEntries(
    Object.entries(stored)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => [key, { value, source: { flag: `--${key}`, file: paths.config, key } }]),
  );
  const config = resolveTrainConfig(raw);
  const {
    state,
    spec,
    config: saved,
  } = decodeSession(
    readUserFile(paths.checkpoint, { what: '--resume', maxBytes: DEFAULT_MAX_FILE_BYTES, missing: 'start a new run' }),
    paths.checkpoint,
  );
  if (JSON.stringify(saved) !== JSON.stringify(config)) {
    throw runtimeError(
      `${paths.config} differs from the config saved in the checkpoint (was it edited?); restore it or start a new run`,
    );
  }
  return { config, state, spec };
}
