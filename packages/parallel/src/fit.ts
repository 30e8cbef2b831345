// The one training loop of Backprop: epochs of batches from a source, one trainer step each, with a
// start position, a batch transform, a scheduler, evaluation, events and an AbortSignal checked
// between steps. Knows nothing of workers. Must not import node:* modules.
import {
  checkFitArguments,
  type BatchEnd,
  type BatchSource,
  type FitOptions,
  type FitSummary,
  type FitTrainer,
} from './fit-options.js';

export type {
  BatchAt,
  BatchEnd,
  BatchSource,
  EpochEnd,
  EpochStart,
  FitOptions,
  FitPosition,
  FitSummary,
  FitTrainer,
  StepScheduler,
} from './fit-options.js';

/**
 * Trains `trainer` over `source` from `options.start` (default: the beginning) up to epoch
 * `options.epochs`: per batch, `transform`, one `trainer.step`, the scheduler and `onBatchEnd`; per
 * epoch, `onEpochStart`, then the evaluation of `validation` and `onEpochEnd`. The same parameters,
 * bit for bit, as the same steps taken by hand — and as a run stopped anywhere and resumed from
 * the position it reported.
 *
 * NOTE(fit-abort): an aborted fit resolves (it does not reject), like TF.js's `model.stopTraining`
 * and Keras' EarlyStopping: stopping is a normal end of training, the parameters are those after the
 * last completed step, and the summary says where it got (`position`, the `start` of a resumed run).
 * The signal is only read before a step (before its batch is transformed), so a step is never cut in
 * half and a transform's generator has drawn nothing for a step not taken. A failed step or a
 * throwing callback rejects.
 *
 * NOTE(fit-resume): batch b of epoch e must be the same batch whether the run is fresh or resumed.
 * A core `DataLoader` shuffles epoch e by (seed, e) alone, so fit sets the loader's `epoch` to e
 * before each epoch (any source with a numeric `epoch` property; other iterables, e.g. an array, are
 * iterated as they are) and, in the epoch it resumes, drops the first `start.batch` batches unstepped.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 256, shuffle: true, seed: 0 });
 * const summary = await fit(trainer, loader, {
 *   epochs: 5, validation: testLoader, signal: stop.signal,
 *   onEpochEnd: ({ epoch, meanLoss, evaluation }) => console.log(epoch, meanLoss, evaluation),
 * });
 * // resume later, in the middle of an epoch: await fit(trainer, loader, { epochs: 5, start: summary.position })
 * ```
 */
export async function fit<E>(trainer: FitTrainer<E>, source: BatchSource, options: FitOptions<E>): Promise<FitSummary> {
  let position = checkFitArguments(trainer as FitTrainer, source, options as FitOptions);
  const { epochs, transform, scheduler, validation, signal, onEpochStart, onBatchEnd, onEpochEnd } = options;
  const stopOnNonFiniteLoss = options.stopOnNonFiniteLoss ?? true;
  const summary: FitSummary = { epochs: 0, steps: 0, meanLoss: [], stopped: null, position, nonFiniteLoss: null };
  const end = (stopped: FitSummary['stopped']): FitSummary => ({ ...summary, stopped, position: { ...position } });
  for (let epoch = position.epoch; epoch < epochs; epoch++) {
    if (isAborted(signal)) return end('aborted');
    setEpoch(source, epoch);
    await onEpochStart?.({ epoch, position: { ...position } });
    let index = 0;
    for (const batch of source) {
      if (index++ < position.batch) continue; // NOTE(fit-resume)
      if (isAborted(signal)) return end('aborted');
      const at = { epoch, batch: position.batch };
      const [inputs, targets] = transform === undefined ? batch : transform(batch, at);
      const started = performance.now();
      const loss = await trainer.step(inputs, targets);
      const milliseconds = performance.now() - started;
      const size = inputs.shape[0]!;
      position = {
        epoch,
        batch: position.batch + 1,
        lossSum: position.lossSum + loss * size,
        samples: position.samples + size,
      };
      summary.steps++;
      const event: BatchEnd = {
        ...at,
        step: trainer.steps,
        loss,
        inputs,
        targets,
        position: { ...position },
        milliseconds,
      };
      if (stopOnNonFiniteLoss && !Number.isFinite(loss)) {
        summary.nonFiniteLoss = event;
        return end('non-finite-loss');
      }
      scheduler?.step();
      await onBatchEnd?.(event);
    }
    if (index < position.batch)
      throw new Error(
        `fit: start.batch ${position.batch} is past the end of epoch ${epoch}, which has ${index} batches`,
      );
    if (position.samples === 0) throw new Error(`fit: the loader yielded no batches in epoch ${epoch}`);
    const meanLoss = position.lossSum / position.samples;
    const evaluation = validation === undefined ? null : await trainer.evaluate(validation);
    position = { epoch: epoch + 1, batch: 0, lossSum: 0, samples: 0 };
    summary.epochs++;
    summary.meanLoss.push(meanLoss);
    await onEpochEnd?.({ epoch, meanLoss, evaluation, step: trainer.steps, position: { ...position } });
  }
  return end(null);
}

/** Read through a call so that TypeScript does not narrow `aborted` across the awaits of the loop. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Points a loader with an `epoch` property (a core `DataLoader`) at `epoch` (NOTE(fit-resume)). */
function setEpoch(source: BatchSource, epoch: number): void {
  const loader = source as { epoch?: unknown };
  if (typeof loader.epoch === 'number') loader.epoch = epoch;
}
