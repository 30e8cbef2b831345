// `backprop export DIR`: the run as a folder a PyTorch user runs as is (DIR/pytorch or --out):
// model.py + model.safetensors, train.py + training.json + optimizer.safetensors (from the run's
// checkpoint), the data as safetensors tensors, and a README with the commands.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, saveSafetensors, type Tensor } from '@backprop/core';
import { DEFAULT_MAX_FILE_BYTES, writeFileAtomic } from '@backprop/core/node';
import { LIMITS } from '../config/limits.js';
import type { TrainConfig } from '../config/train-config.js';
import { parseInteger, parseText } from '../config/values.js';
import type { LabelledSet } from '../data/labelled-data.js';
import { loadData } from '../data/load-data.js';
import { CliError, ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { handoffReadme } from '../export/handoff-readme.js';
import { torchModule } from '../export/torch-code.js';
import { TRAIN_SCRIPT } from '../export/train-script.js';
import { handoffState, type HandoffState } from '../export/training-state.js';
import { invocation, shellWord } from '../invocation.js';
import { makeDirectory } from '../run/make-directory.js';
import { readModelFile } from '../run/model-file.js';
import { readUserFile } from '../run/user-file.js';
import { runPaths } from '../run/run-directory.js';
import { decodeSession } from '../run/training-checkpoint.js';

/** The files of the hand-off folder, relative to it. */
export const HANDOFF_FILES = {
  weights: 'model.safetensors',
  code: 'model.py',
  script: 'train.py',
  settings: 'training.json',
  optimizer: 'optimizer.safetensors',
  train: join('data', 'train.safetensors'),
  test: join('data', 'test.safetensors'),
  readme: 'README.md',
} as const;

/**
 * Runs `backprop export`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await exportCommand('runs/mnist-cnn-1', { quiet: true });
 * ```
 */
export async function exportCommand(directory: string, flags: Record<string, unknown>): Promise<number> {
  if (!existsSync(directory))
    throw usageError(`${directory}: no such run directory; give the directory printed by backprop train`);
  const paths = runPaths(directory);
  const saved = readModelFile(paths.model);
  const out = typeof flags.out === 'string' ? flags.out : join(directory, 'pytorch');
  if (existsSync(out) && !statSync(out).isDirectory())
    throw usageError(`--out ${out} is a file, not a directory; give a directory for the PyTorch folder`);
  const files = Object.fromEntries(
    Object.entries(HANDOFF_FILES).map(([key, name]) => [key, join(out, name)]),
  ) as Record<keyof typeof HANDOFF_FILES, string>;
  if (flags.force !== true) {
    const existing = Object.values(files).find((file) => existsSync(file));
    if (existing !== undefined)
      throw usageError(`${existing} already exists; add --force to replace it or choose another --out`);
  }
  // NOTE(export-weights): with a checkpoint, its weights go out (a run stopped mid-epoch has newer
  // ones than model.safetensors, and its optimizer moments belong to them); at an epoch's end both agree.
  const session = existsSync(paths.checkpoint)
    ? decodeSession(
        readUserFile(paths.checkpoint, { what: 'export', maxBytes: DEFAULT_MAX_FILE_BYTES, missing: 'train again' }),
        paths.checkpoint,
      )
    : null;
  const config = session?.config ?? null;
  const dataName =
    flags.data !== undefined ? parseText(flags.data, { flag: '--data' }) : (config?.data ?? saved.info.data);
  const maxClasses =
    flags.maxClasses !== undefined
      ? parseInteger(flags.maxClasses, { flag: '--max-classes' }, { min: 2, example: '5000' })
      : LIMITS.classes;
  let data;
  try {
    const maxPixels =
      flags.maxPixels !== undefined
        ? parseInteger(flags.maxPixels, { flag: '--max-pixels' }, { min: 1, example: '100000000' })
        : undefined;
    data = await loadData(
      { data: dataName, limit: config?.limit ?? null, ...saved.info.pictures },
      { maxClasses, ...(maxPixels === undefined ? {} : { maxPixels }) },
    );
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    throw new CliError(
      `${error.message} (export writes the run's data too: --data names it where it is now)`,
      error.exitCode,
      { cause: error },
    );
  }
  if (data.sampleShape.join() !== saved.info.sampleShape.join() || data.classes > saved.info.classes) {
    throw usageError(
      `--data ${dataName} has samples [${data.sampleShape.join(', ')}] and ${data.classes} classes, but ${paths.model} takes [${saved.info.sampleShape.join(', ')}] and ${saved.info.classes}; give the run's own data`,
    );
  }
  let code: string;
  let state: HandoffState | null = null;
  try {
    code = torchModule(saved.spec, {
      sampleShape: saved.info.sampleShape,
      classes: saved.info.classes,
      description: data.description,
      pixelScale: data.pixelScale,
    });
    if (session !== null) {
      // model.py is written from model.safetensors' spec; the checkpoint's weights must fit it, name for name.
      if (JSON.stringify(session.spec) !== JSON.stringify(saved.spec))
        throw new Error(`${paths.checkpoint} holds another model spec than ${paths.model}`);
      buildModel(saved.spec).loadStateDict(session.state.trainer.model);
      state = handoffState({
        state: session.state,
        spec: session.spec,
        config: session.config,
        trainSamples: data.train.length,
      });
    }
  } catch (error) {
    throw runtimeError(`${directory} cannot be exported (${firstLine(error)}); train again or restore the file`, error);
  }
  const readme = handoffReadme({
    description: data.description,
    trainSamples: data.train.length,
    testSamples: data.test.length,
    epochs: config?.epochs ?? 0,
    epochsDone: session?.state.position.epoch ?? 0,
    lastTestLoss: session?.state.history.at(-1)?.testLoss ?? null,
    training: state !== null,
  });
  const text = (value: string) => new TextEncoder().encode(value);
  try {
    makeDirectory(join(out, 'data')); // NOTE(mkdir-loop): not mkdirSync's recursive mode
    await writeFileAtomic(
      files.weights,
      saveSafetensors(session?.state.trainer.model ?? saved.weights, { format: 'pt' }),
    );
    await writeFileAtomic(files.code, text(code));
    await writeFileAtomic(files.train, dataFile(data.train));
    await writeFileAtomic(files.test, dataFile(data.test));
    if (state !== null) {
      await writeFileAtomic(files.optimizer, saveSafetensors(state.tensors, { format: 'pt' }));
      await writeFileAtomic(files.settings, text(`${JSON.stringify(state.settings, null, 2)}\n`));
      await writeFileAtomic(files.script, text(TRAIN_SCRIPT));
    }
    await writeFileAtomic(files.readme, text(readme));
  } catch (error) {
    throw runtimeError(
      `cannot write the export to ${out} (${firstLine(error)}); check --out and its permissions`,
      error,
    );
  }
  if (flags.quiet !== true)
    process.stdout.write(
      summary({
        out,
        directory,
        config,
        training: state !== null,
        trainSamples: data.train.length,
        testSamples: data.test.length,
      }),
    );
  return ExitCode.ok;
}

/** A labelled set as safetensors: `inputs` [N, ...sample] and `labels` [N] (class indices as float32). */
function dataFile(set: LabelledSet): Uint8Array {
  const [inputs, labels] = set.getBatch(Int32Array.from({ length: set.length }, (_, i) => i)) as [Tensor, Tensor];
  return saveSafetensors({ inputs, labels }, { format: 'pt' });
}

/**
 * What was written and the commands to paste, each working from where export was run: a subshell
 * `(cd … && …)` per line, so that pasting them together does not change directory twice.
 */
function summary(options: {
  out: string;
  directory: string;
  config: TrainConfig | null;
  training: boolean;
  trainSamples: number;
  testSamples: number;
}): string {
  const folder = shellWord(options.out);
  const epochs = (options.config?.epochs ?? 0) * 2;
  const back = shellWord(join(options.out, 'trained', 'model.safetensors'));
  const lines = [
    `wrote ${options.out}: model.py, model.safetensors${options.training ? ', train.py, training.json, optimizer.safetensors' : ''}, data/ (${options.trainSamples} train, ${options.testSamples} test samples), README.md`,
    `check it:           (cd ${folder} && python3 model.py)   # needs only PyTorch`,
  ];
  if (options.training) {
    lines.push(
      `continue training:  (cd ${folder} && python3 train.py --epochs ${epochs})`,
      `on 2 processes:     (cd ${folder} && torchrun --redirects 1 --tee 1 --standalone --nproc_per_node 2 train.py --epochs ${epochs})`,
      `                    # --redirects 1 --tee 1: Python 3.11 + PyTorch 1.13's torchrun crashes without them; harmless elsewhere`,
      `back into Backprop: ${invocation()} eval ${shellWord(options.directory)} --weights ${back}`,
    );
  } else {
    lines.push(`no ${join(options.directory, 'checkpoint.safetensors')}: no optimizer state, so no train.py`);
  }
  return `${lines.join('\n')}\n`;
}
