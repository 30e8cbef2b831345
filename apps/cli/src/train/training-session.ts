// One `backprop train` session: the data-parallel trainer driven by parallel's `fit` with the
// augmentation and the scheduler, the run files after each epoch, resume and stop-after-step.
import { writeFileAtomic } from '@backprop/core/node';
import {
  DataLoader,
  encodeModelFile,
  Generator,
  randomHorizontalFlip,
  randomShift,
  type ModelSpec,
  type StateDict,
  type Tensor,
} from '@backprop/core';
import { DataParallelTrainer } from '@backprop/parallel/node';
import type { TrainConfig } from '../config/train-config.js';
import type { LabelledData } from '../data/labelled-data.js';
import { firstLine, runtimeError, usageError } from '../errors.js';
import type { Reporter } from '../report/reporter.js';
import { curvesSvg } from '../run/curves-svg.js';
import type { DataInfo } from '../run/model-file.js';
import { writeRunFile, type RunPaths } from '../run/run-directory.js';
import { damagedCheckpoint } from '../run/session-validation.js';
import {
  encodeSession,
  type EpochRecord,
  type SessionState,
  type TrainingPosition,
} from '../run/training-checkpoint.js';
import { findBadValue, nonFiniteLossError, type NonFiniteLoss } from './non-finite-loss.js';
import { refreshBatchNorm } from './batch-norm-refresh.js';
import { createScheduler } from './schedule.js';

// NOTE(resume): a run is a pure function of its config. Batch b of epoch e is rows
// loader.order(e)[b·B … (b+1)·B) — the DataLoader's permutation depends on (seed, e) only — so a
// resumed run rebuilds the loader and fit skips the batches done (NOTE(fit-resume) in
// @backprop/parallel). Everything else that moves lives in the checkpoint: weights + optimizer
// moments + step count (trainer.trainingState(); Dropout masks derive from the step), the
// scheduler's position, the augmentation generator's state and the epoch's partial loss sum. Results do not depend on the number of workers (chunks are fixed by
// chunkSize), so a run may be resumed with another --workers and still end bit-identical.

/** Offset between the weight seed and the augmentation generator's seed, so their streams differ. */
const AUGMENT_SEED_OFFSET = 0x5eed;
const EVALUATION_BATCH = 500;

/**
 * `--augment` as fit's batch transform: random shifts (and flips), drawn from `generator`, whose
 * state the checkpoint keeps (NOTE(resume)); undefined for `none`.
 */
function augmentation(
  kind: TrainConfig['augment'],
  generator: Generator,
): ((batch: readonly [Tensor, Tensor]) => readonly [Tensor, Tensor]) | undefined {
  if (kind === 'shift') return ([inputs, labels]) => [randomShift(inputs, 1, generator), labels];
  if (kind === 'flip-shift')
    return ([inputs, labels]) => [randomShift(randomHorizontalFlip(inputs, 0.5, generator), 2, generator), labels];
  return undefined;
}

/** Everything a session needs. */
export interface SessionOptions {
  config: TrainConfig;
  spec: ModelSpec;
  data: LabelledData;
  paths: RunPaths;
  workers: number;
  reporter: Reporter;
  /** The state of a stopped run to continue, or null for a fresh run. */
  resumeFrom: SessionState | null;
  /** Weights a fresh run starts from instead of random ones (`--init-from`), already checked against the spec. */
  initialWeights?: StateDict | null;
  /** Read before each step: aborted, training stops after the current step and writes the checkpoint. */
  signal: AbortSignal;
}

/** Steps between in-memory snapshots of the state, the last good state a NaN loss falls back to. */
const SNAPSHOT_STEPS = 32;

/** How a session ended. */
export type SessionResult =
  | { status: 'completed'; last: EpochRecord | null; seconds: number }
  | { status: 'interrupted'; position: TrainingPosition };

/**
 * Trains (or continues) a run, writing model.safetensors, checkpoint.safetensors, metrics.jsonl
 * and curves.svg after every epoch, and checkpoint.safetensors when stopped.
 */
export async function runTrainingSession(options: SessionOptions): Promise<SessionResult> {
  const { config } = options;
  let trainer: DataParallelTrainer;
  try {
    trainer = new DataParallelTrainer({
      model: options.spec,
      loss: 'crossEntropy',
      optimizer:
        config.optimizer === 'sgd'
          ? { type: 'sgd', lr: config.lr, momentum: 0.9 }
          : { type: config.optimizer, lr: config.lr },
      seed: config.seed,
      chunkSize: config.chunkSize,
      workers: options.workers,
      // NOTE(cli-main-share): the CLI's main thread has nothing else to do during a step, so it runs one
      // share itself instead of waking one more thread — the same bits; faster under
      // `node --single-threaded-gc` (as `pnpm train` runs), no slower without (docs/performance.md).
      shareMainThread: true,
    });
  } catch (error) {
    throw usageError(
      `--model ${config.model} cannot be trained with these options: ${firstLine(error).replace(/^DataParallelTrainer: /, '')}`,
    );
  }
  try {
    return await trainLoop(trainer, options);
  } catch (error) {
    if (error instanceof Error && error.name === 'CliError') throw error;
    throw runtimeError(`training failed: ${firstLine(error)}`, error);
  } finally {
    await trainer.close();
  }
}

/** The epochs and batches of a session, through `fit` (see NOTE(resume)); the trainer is started and closed by the caller. */
async function trainLoop(trainer: DataParallelTrainer, options: SessionOptions): Promise<SessionResult> {
  const { config, spec, data, paths, reporter } = options;
  const dataInfo: DataInfo = {
    data: config.data,
    sampleShape: data.sampleShape,
    classes: data.classes,
    ...(data.classNames === undefined ? {} : { classNames: data.classNames }),
    ...(config.imageSize === undefined
      ? {}
      : {
          pictures: {
            imageSize: config.imageSize,
            grayscale: config.grayscale ?? false,
            valSplit: config.valSplit ?? 0.2,
            skipBad: config.skipBad ?? false,
          },
        }),
  };
  const loader = new DataLoader(data.train, { batchSize: config.batchSize, shuffle: true, seed: config.seed });
  const testLoader = new DataLoader(data.test, { batchSize: EVALUATION_BATCH });
  const batches = loader.length;
  const scheduler = createScheduler(config.schedule, trainer.optimizer, config.epochs * batches);
  const augment = new Generator(config.seed + AUGMENT_SEED_OFFSET);
  let position: TrainingPosition = { epoch: 0, batch: 0, lossSum: 0, samples: 0 };
  let history: EpochRecord[] = [];
  const resume = options.resumeFrom;
  if (resume === null && options.initialWeights) await trainer.loadStateDict(options.initialWeights);
  if (resume !== null) {
    try {
      await trainer.loadTrainingState(resume.trainer);
      if ((scheduler === null) !== (resume.scheduler === null))
        throw new Error(
          `scheduler: ${resume.scheduler === null ? 'missing' : 'present'} for --schedule ${config.schedule}`,
        );
      if (scheduler !== null) scheduler.loadStateDict(resume.scheduler!);
      augment.setState(resume.rng);
    } catch (error) {
      throw damagedCheckpoint(paths.checkpoint, firstLine(error), error);
    }
    position = { ...resume.position };
    history = resume.history.slice();
  }
  const learningRate = () => trainer.optimizer.learningRate;
  const state = (): SessionState => ({
    trainer: trainer.trainingState(),
    position: { ...position },
    rng: augment.getState(),
    scheduler: scheduler?.stateDict() ?? null,
    history: history.slice(),
  });
  const saveCheckpoint = (saved: SessionState = state()) =>
    writeFileAtomic(paths.checkpoint, encodeSession(saved, spec, config));
  // The last good state (NOTE(non-finite-loss)): `pending` is a snapshot taken after a step, i.e.
  // before the next one; the next step's finite loss shows its weights were good, and it becomes
  // `lastGood`. A snapshot copies the weights and the optimizer state (a fraction of one step's
  // work), so one is taken every SNAPSHOT_STEPS steps — counted in steps, not seconds, so that a
  // resumed run saves the same state and says the same words (a clock made it depend on the load).
  let lastGood: SessionState = state();
  let pending: SessionState | null = null;
  const stopOnNonFinite = async (
    loss: Omit<NonFiniteLoss, 'saved' | 'step'>,
    keep: SessionState = lastGood,
  ): Promise<never> => {
    await saveCheckpoint(keep);
    throw nonFiniteLossError(
      {
        ...loss,
        step: trainer.steps,
        saved: { position: keep.position, step: keep.trainer.steps, path: paths.checkpoint },
      },
      config,
    );
  };

  const started = performance.now();
  const total = data.train.length;
  // This process's training time and samples in the current epoch (a resumed epoch counts from the resume).
  let [epochStarted, trainedUntil, samplesThisProcess] = [started, started, 0];
  const summary = await trainer.fit(loader, {
    epochs: config.epochs,
    start: position,
    signal: options.signal,
    scheduler: scheduler ?? undefined,
    transform: augmentation(config.augment, augment),
    onEpochStart: ({ epoch }) => {
      [epochStarted, trainedUntil, samplesThisProcess] = [performance.now(), performance.now(), 0];
      reporter.epochStart({
        epoch: epoch + 1,
        epochs: config.epochs,
        doneSamples: position.samples,
        epochSamples: total,
      });
    },
    onBatchEnd: (event) => {
      if (pending !== null) [lastGood, pending] = [pending, null];
      position = event.position;
      samplesThisProcess += event.inputs.shape[0]!;
      trainedUntil = performance.now();
      reporter.batch({
        epoch: event.epoch + 1,
        epochs: config.epochs,
        batch: event.batch + 1,
        batches,
        doneSamples: position.samples,
        epochSamples: total,
        loss: position.lossSum / position.samples,
        samplesPerSecond: samplesThisProcess / Math.max((trainedUntil - epochStarted) / 1000, 1e-9),
      });
      if (event.step % SNAPSHOT_STEPS === 0) pending = state();
    },
    onEpochEnd: async ({ epoch, meanLoss, position: next }) => {
      pending = null; // a snapshot from within the epoch would drop the epoch's record
      await refreshBatchNorm(trainer, data.train, config.batchSize); // NOTE(batch-norm-refresh)
      const evaluation = await trainer.evaluate(testLoader);
      if (!Number.isFinite(evaluation.loss)) {
        const [testInputs] = data.test.getBatch(Int32Array.from({ length: data.test.length }, (_, i) => i)) as [
          Tensor,
          Tensor,
        ];
        const badValue = findBadValue(testInputs, 'test');
        // A bad test sample does not make the weights bad: then the epoch's training is kept.
        await stopOnNonFinite(
          { kind: 'test', value: evaluation.loss, epoch: epoch + 1, batch: batches, badValue },
          badValue === null ? lastGood : state(),
        );
      }
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss: meanLoss,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.accuracy ?? 0,
        samplesPerSecond: samplesThisProcess / Math.max((trainedUntil - epochStarted) / 1000, 1e-9),
        lr: learningRate(),
      };
      history.push(record);
      position = next;
      await writeFileAtomic(paths.model, encodeModelFile({ weights: trainer.stateDict(), spec, info: dataInfo }));
      // NOTE(metrics-file): rewritten whole from the history kept in the checkpoint, so after a
      // crash and a resume it never holds an epoch twice or misses one.
      await writeRunFile(paths.metrics, history.map((r) => JSON.stringify(r)).join('\n') + '\n');
      await writeRunFile(paths.curves, curvesSvg(history, `${config.model} on ${config.data}`));
      lastGood = state();
      await saveCheckpoint(lastGood);
      reporter.epochEnd({
        ...record,
        epochs: config.epochs,
        seconds: (performance.now() - started) / 1000,
        perClass: evaluation.perClass,
      });
    },
  });
  if (summary.stopped === 'aborted') {
    await saveCheckpoint();
    return { status: 'interrupted', position: { ...position } };
  }
  if (summary.stopped === 'non-finite-loss') {
    const bad = summary.nonFiniteLoss!;
    const indices = loader
      .order(bad.epoch)
      .subarray(bad.batch * config.batchSize, Math.min((bad.batch + 1) * config.batchSize, total));
    await stopOnNonFinite({
      kind: 'train',
      value: bad.loss,
      epoch: bad.epoch + 1,
      batch: bad.batch + 1,
      badValue: findBadValue(bad.inputs, 'training', indices),
    });
  }
  return { status: 'completed', last: history.at(-1) ?? null, seconds: (performance.now() - started) / 1000 };
}
