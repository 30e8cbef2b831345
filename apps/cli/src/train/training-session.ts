// One `backprop train` session: the data-parallel trainer, the epoch/batch loop with augmentation
// and the scheduler, evaluation and the run files after each epoch, resume and stop-after-step.
import { writeFileAtomic } from '@backprop/core/node';
import { DataLoader, encodeModelFile, Generator, randomHorizontalFlip, randomShift, type ModelSpec, type StateDict, type Tensor } from '@backprop/core';
import { DataParallelTrainer } from '@backprop/parallel/node';
import type { TrainConfig } from '../config/train-config.js';
import type { LabelledData } from '../data/labelled-data.js';
import { firstLine, runtimeError, usageError } from '../errors.js';
import type { Reporter } from '../report/reporter.js';
import { curvesSvg } from '../run/curves-svg.js';
import type { DataInfo } from '../run/model-file.js';
import { writeRunFile, type RunPaths } from '../run/run-directory.js';
import { damagedCheckpoint } from '../run/session-validation.js';
import { encodeSession, type EpochRecord, type SessionState, type TrainingPosition } from '../run/training-checkpoint.js';
import { findBadValue, nonFiniteLossError, type NonFiniteLoss } from './non-finite-loss.js';
import { refreshBatchNorm } from './batch-norm-refresh.js';
import { createScheduler } from './schedule.js';

// NOTE(resume): a run is a pure function of its config. Batch b of epoch e is rows
// loader.order(e)[b·B … (b+1)·B) — the DataLoader's permutation depends on (seed, e) only — so a
// resumed run rebuilds the loader and skips the batches done. Everything else that moves lives in
// the checkpoint: weights + optimizer moments + step count (trainer.trainingState(); Dropout masks
// derive from the step), the scheduler's position, the augmentation generator's state and the
// epoch's partial loss sum. Results do not depend on the number of workers (chunks are fixed by
// chunkSize), so a run may be resumed with another --workers and still end bit-identical.

/** Offset between the weight seed and the augmentation generator's seed, so their streams differ. */
const AUGMENT_SEED_OFFSET = 0x5eed;
const EVALUATION_BATCH = 500;

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
  /** Read between steps: true stops after the current step and writes the checkpoint. */
  shouldStop: () => boolean;
}

/** Seconds between in-memory snapshots of the state, the last good state a NaN loss falls back to. */
const SNAPSHOT_SECONDS = 1;

/** How a session ended. */
export type SessionResult = { status: 'completed'; last: EpochRecord | null; seconds: number } | { status: 'interrupted'; position: TrainingPosition };

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
      optimizer: config.optimizer === 'sgd' ? { type: 'sgd', lr: config.lr, momentum: 0.9 } : { type: config.optimizer, lr: config.lr },
      seed: config.seed,
      chunkSize: config.chunkSize,
      workers: options.workers,
    });
  } catch (error) {
    throw usageError(`--model ${config.model} cannot be trained with these options: ${firstLine(error).replace(/^DataParallelTrainer: /, '')}`);
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

/** The epochs and batches of a session (see NOTE(resume)); the trainer is started and closed by the caller. */
async function trainLoop(trainer: DataParallelTrainer, options: SessionOptions): Promise<SessionResult> {
  const { config, spec, data, paths, reporter } = options;
  const dataInfo: DataInfo = {
    data: config.data,
    sampleShape: data.sampleShape,
    classes: data.classes,
    ...(data.classNames === undefined ? {} : { classNames: data.classNames }),
    ...(config.imageSize === undefined ? {} : { pictures: { imageSize: config.imageSize, grayscale: config.grayscale ?? false, valSplit: config.valSplit ?? 0.2, skipBad: config.skipBad ?? false } }),
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
      if ((scheduler === null) !== (resume.scheduler === null)) throw new Error(`scheduler: ${resume.scheduler === null ? 'missing' : 'present'} for --schedule ${config.schedule}`);
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
  const saveCheckpoint = (saved: SessionState = state()) => writeFileAtomic(paths.checkpoint, encodeSession(saved, spec, config));
  // The last good state (NOTE(non-finite-loss)): `pending` is a snapshot taken before a step; that
  // step's finite loss shows its weights were good, and it becomes `lastGood`. A snapshot copies the
  // weights and the optimizer state, so one is taken at most once per SNAPSHOT_SECONDS.
  let lastGood: SessionState = state();
  let pending: SessionState | null = null;
  let snapshotAt = performance.now();
  const stopOnNonFinite = async (loss: Omit<NonFiniteLoss, 'saved' | 'step'>, keep: SessionState = lastGood): Promise<never> => {
    await saveCheckpoint(keep);
    throw nonFiniteLossError({ ...loss, step: trainer.steps, saved: { position: keep.position, step: keep.trainer.steps, path: paths.checkpoint } }, config);
  };

  const started = performance.now();
  const total = data.train.length;
  for (let epoch = position.epoch; epoch < config.epochs; epoch++) {
    const order = loader.order(epoch);
    const epochStarted = performance.now();
    let samplesThisProcess = 0;
    reporter.epochStart({ epoch: epoch + 1, epochs: config.epochs, doneSamples: position.samples, epochSamples: total });
    for (let batch = position.batch; batch < batches; batch++) {
      if (options.shouldStop()) {
        await saveCheckpoint();
        return { status: 'interrupted', position: { ...position } };
      }
      const indices = order.subarray(batch * config.batchSize, Math.min((batch + 1) * config.batchSize, total));
      if (performance.now() - snapshotAt >= SNAPSHOT_SECONDS * 1000) {
        pending = state();
        snapshotAt = performance.now();
      }
      let [inputs, labels] = data.train.getBatch(indices) as [Tensor, Tensor];
      if (config.augment === 'shift') inputs = randomShift(inputs, 1, augment);
      if (config.augment === 'flip-shift') inputs = randomShift(randomHorizontalFlip(inputs, 0.5, augment), 2, augment);
      const loss = await trainer.step(inputs, labels);
      if (!Number.isFinite(loss)) await stopOnNonFinite({ kind: 'train', value: loss, epoch: epoch + 1, batch: batch + 1, badValue: findBadValue(inputs, 'training', indices) });
      if (pending !== null) [lastGood, pending] = [pending, null];
      scheduler?.step();
      position = { epoch, batch: batch + 1, lossSum: position.lossSum + loss * indices.length, samples: position.samples + indices.length };
      samplesThisProcess += indices.length;
      const seconds = (performance.now() - epochStarted) / 1000;
      reporter.batch({
        epoch: epoch + 1,
        epochs: config.epochs,
        batch: batch + 1,
        batches,
        doneSamples: position.samples,
        epochSamples: total,
        loss: position.lossSum / position.samples,
        samplesPerSecond: samplesThisProcess / Math.max(seconds, 1e-9),
      });
    }
    const samplesPerSecond = samplesThisProcess / Math.max((performance.now() - epochStarted) / 1000, 1e-9);
    await refreshBatchNorm(trainer, data.train, config.batchSize); // NOTE(batch-norm-refresh)
    const evaluation = await trainer.evaluate(testLoader);
    if (!Number.isFinite(evaluation.loss)) {
      const [testInputs] = data.test.getBatch(Int32Array.from({ length: data.test.length }, (_, i) => i)) as [Tensor, Tensor];
      const badValue = findBadValue(testInputs, 'test');
      // A bad test sample does not make the weights bad: then the epoch's training is kept.
      await stopOnNonFinite({ kind: 'test', value: evaluation.loss, epoch: epoch + 1, batch: batches, badValue }, badValue === null ? lastGood : state());
    }
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: position.lossSum / position.samples,
      testLoss: evaluation.loss,
      testAccuracy: evaluation.accuracy ?? 0,
      samplesPerSecond,
      lr: learningRate(),
    };
    history.push(record);
    position = { epoch: epoch + 1, batch: 0, lossSum: 0, samples: 0 };
    await writeFileAtomic(paths.model, encodeModelFile({ weights: trainer.stateDict(), spec, info: dataInfo }));
    // NOTE(metrics-file): rewritten whole from the history kept in the checkpoint, so after a
    // crash and a resume it never holds an epoch twice or misses one.
    await writeRunFile(paths.metrics, history.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await writeRunFile(paths.curves, curvesSvg(history, `${config.model} on ${config.data}`));
    lastGood = state();
    await saveCheckpoint(lastGood);
    reporter.epochEnd({ ...record, epochs: config.epochs, seconds: (performance.now() - started) / 1000, perClass: evaluation.perClass });
  }
  return { status: 'completed', last: history.at(-1) ?? null, seconds: (performance.now() - started) / 1000 };
}
