// Checks of the training state read back from checkpoint.safetensors before a run resumes from it:
// every field's type and range, then the position against the run's epochs and batches.
// Imports nothing of the CLI but its errors and types; no I/O.
import { runtimeError } from '../errors.js';
import type { EpochRecord, TrainingPosition } from './training-checkpoint.js';

// NOTE(resume-trust): a checkpoint is a file, and files get edited, truncated, mixed up between
// runs or crafted. Its position decides which batches are skipped and its history becomes
// metrics.jsonl, so nothing is used before it is checked: integers where counts are, finite
// non-negative numbers where losses are, a history of exactly one well-formed record per finished
// epoch (its length bounded by the run's epochs before any record is read), and a step count that
// agrees with the position (one optimizer step per batch: step = epoch × batches + batch).

/** Where a check failed: the field (`position.batch`, `history[2].trainLoss`) and what is wrong. */
export type FieldProblem = (field: string, problem: string) => never;

/** The error for a checkpoint whose training state fails a check, naming the field and the fix. */
export function damagedCheckpoint(path: string, detail: string, cause?: unknown): Error {
  return runtimeError(
    `${path} is damaged or not a backprop training checkpoint (${detail}); the run cannot be resumed from it — restore the file, or start a new run`,
    cause,
  );
}

/**
 * The position and history of a checkpoint's training metadata, checked field by field against
 * the run's `epochs` (the config saved beside them); throws through `fail` at the first problem.
 *
 * @example
 * ```ts
 * const { position, history } = checkTrainingFields(saved, 8, (field, problem) => { throw new Error(`${field} ${problem}`); });
 * ```
 */
export function checkTrainingFields(
  saved: Record<string, unknown>,
  epochs: number,
  fail: FieldProblem,
): { position: TrainingPosition; history: EpochRecord[] } {
  const raw = saved.position;
  if (!isPlainObject(raw))
    fail('position', `must be an object { epoch, batch, lossSum, samples }, got ${describe(raw)}`);
  const epoch = count(raw.epoch, 'position.epoch', fail);
  if (epoch > epochs) fail('position.epoch', `is ${epoch}, beyond the run's ${epochs} epochs`);
  const position: TrainingPosition = {
    epoch,
    batch: count(raw.batch, 'position.batch', fail),
    lossSum: finiteAtLeastZero(raw.lossSum, 'position.lossSum', fail),
    samples: count(raw.samples, 'position.samples', fail),
  };
  const history = saved.history;
  if (!Array.isArray(history)) fail('history', `must be an array of epoch records, got ${describe(history)}`);
  // Bounded before any record is read: one record per finished epoch.
  if (history.length !== epoch)
    fail('history', `holds ${history.length} records, but position.epoch says ${epoch} epochs are finished`);
  return { position, history: history.map((record, index) => checkRecord(record, index, fail)) };
}

/**
 * Checks a position against the data it resumes on: the batch within the epoch's batches, the
 * samples those batches hold, and the step count one step per batch gives (NOTE(resume-trust)).
 *
 * @example
 * ```ts
 * checkPosition(state, { epochs: 8, batchSize: 32, trainSamples: 8000 }, 'runs/a/checkpoint.safetensors');
 * ```
 */
export function checkPosition(
  state: { position: TrainingPosition; trainer: { steps: number }; scheduler: object | null },
  run: { epochs: number; batchSize: number; trainSamples: number },
  path: string,
): void {
  const { epoch, batch, samples, lossSum } = state.position;
  const batches = Math.ceil(run.trainSamples / run.batchSize);
  const fail = (field: string, problem: string): never => {
    throw damagedCheckpoint(path, `${field} ${problem}`);
  };
  if (batch > batches || (epoch === run.epochs && batch !== 0)) {
    fail(
      'position.batch',
      `is ${batch}, outside 0…${epoch === run.epochs ? 0 : batches} (an epoch of ${run.trainSamples} samples in batches of ${run.batchSize} has ${batches})`,
    );
  }
  const expectedSamples = Math.min(batch * run.batchSize, run.trainSamples);
  if (samples !== expectedSamples)
    fail('position.samples', `is ${samples}, but ${batch} batches of ${run.batchSize} hold ${expectedSamples} samples`);
  if (batch === 0 && lossSum !== 0) fail('position.lossSum', `is ${lossSum}, but no batch of the epoch is done`);
  const steps = epoch * batches + batch;
  if (state.trainer.steps !== steps)
    fail(
      'step',
      `is ${state.trainer.steps}, but epoch ${epoch} and batch ${batch} at ${batches} batches per epoch make ${steps} steps`,
    );
  const lastStep = (state.scheduler as { lastStep?: unknown } | null)?.lastStep;
  if (lastStep !== undefined && lastStep !== steps)
    fail('scheduler.lastStep', `is ${describe(lastStep)}, but the run is at step ${steps}`);
}

function checkRecord(record: unknown, index: number, fail: FieldProblem): EpochRecord {
  const at = `history[${index}]`;
  if (!isPlainObject(record))
    fail(
      at,
      `must be an object { epoch, trainLoss, testLoss, testAccuracy, samplesPerSecond, lr }, got ${describe(record)}`,
    );
  if (record.epoch !== index + 1) fail(`${at}.epoch`, `is ${describe(record.epoch)}, expected ${index + 1}`);
  const testAccuracy = finiteAtLeastZero(record.testAccuracy, `${at}.testAccuracy`, fail);
  if (testAccuracy > 1) fail(`${at}.testAccuracy`, `is ${testAccuracy}, above 1`);
  // Rebuilt from the known fields only: the history becomes metrics.jsonl.
  return {
    epoch: index + 1,
    trainLoss: finiteAtLeastZero(record.trainLoss, `${at}.trainLoss`, fail),
    testLoss: finiteAtLeastZero(record.testLoss, `${at}.testLoss`, fail),
    testAccuracy,
    samplesPerSecond: finiteAtLeastZero(record.samplesPerSecond, `${at}.samplesPerSecond`, fail),
    lr: finiteAtLeastZero(record.lr, `${at}.lr`, fail),
  };
}

function count(value: unknown, field: string, fail: FieldProblem): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    fail(field, `must be an integer ≥ 0, got ${describe(value)}`);
  return value as number;
}

function finiteAtLeastZero(value: unknown, field: string, fail: FieldProblem): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(field, `must be a finite number ≥ 0, got ${describe(value)}`);
  return value as number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message may quote it: short, never a whole file. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
