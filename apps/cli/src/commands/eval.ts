// `backprop eval DIR`: the trained model on its test set — loss, accuracy, per-class accuracy and
// the confusion matrix. Runs on the main thread (a forward pass only).
import { confusionMatrix, crossEntropy, DataLoader, formatConfusionMatrix, noGrad, type Tensor } from '@backprop/core';
import { existsSync } from 'node:fs';
import type { LabelledSet } from '../data/labelled-data.js';
import { loadData } from '../data/load-data.js';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { IMAGE_LIMITS } from '@backprop/datasets/node';
import { LIMITS } from '../config/limits.js';
import { CONTROL_CHARACTERS } from '../data/label-check.js';
import { parseInteger, parseText } from '../config/values.js';
import { readModelFile } from '../run/model-file.js';
import { readUserFile } from '../run/user-file.js';
import { runPaths } from '../run/run-directory.js';
import { loadWeightsFile } from '../run/weights-file.js';
import { checkModelFits } from '../model/model-spec.js';
import { perClassPhrase } from '../report/per-class.js';

/** The results of `backprop eval`. */
export interface EvalResult {
  data: string;
  samples: number;
  loss: number;
  accuracy: number;
  /** Per class: correct / samples of that class (null when the test set has none of it); `name` for a picture folder's classes. */
  perClass: Array<{ class: number; name?: string; samples: number; accuracy: number | null }>;
  /** confusion[actual][predicted]. */
  confusion: number[][];
}

/**
 * Runs `backprop eval`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await evalCommand('runs/mnist-cnn-1', { json: true });
 * ```
 */
export async function evalCommand(directory: string, flags: Record<string, unknown>): Promise<number> {
  if (!existsSync(directory))
    throw usageError(`${directory}: no such run directory; give the directory printed by backprop train`);
  const paths = runPaths(directory);
  const saved = readModelFile(paths.model);
  const weights = flags.weights !== undefined ? parseText(flags.weights, { flag: '--weights' }) : null;
  if (weights !== null) loadWeightsFile(weights, saved.model, '--weights'); // the run's spec, PyTorch's values
  const dataName =
    flags.data !== undefined ? parseText(flags.data, { flag: '--data' }) : runData(paths.config, saved.info.data);
  const limit =
    flags.limit !== undefined ? parseInteger(flags.limit, { flag: '--limit' }, { min: 1, example: '500' }) : null;
  const maxClasses =
    flags.maxClasses !== undefined
      ? parseInteger(flags.maxClasses, { flag: '--max-classes' }, { min: 2, example: '5000' })
      : LIMITS.classes;
  // The confusion matrix holds classes² counts: bound it before anything is allocated.
  if (saved.info.classes > maxClasses) {
    throw usageError(
      `${paths.model} has ${saved.info.classes} classes, over the limit of ${maxClasses} (its confusion matrix would hold ${saved.info.classes}² counts); raise --max-classes if that is intended`,
    );
  }
  const maxPixels =
    flags.maxPixels !== undefined
      ? parseInteger(flags.maxPixels, { flag: '--max-pixels' }, { min: 1, example: '100000000' })
      : IMAGE_LIMITS.maxPixels;
  // A picture folder given with --data is held out: every picture of it is scored (valSplit 1), not
  // only the validation share a training run would keep; the run's own folder by its validation split.
  const heldOut = flags.data !== undefined && saved.info.pictures !== undefined;
  const pictures =
    saved.info.pictures === undefined ? {} : { ...saved.info.pictures, ...(heldOut ? { valSplit: 1 } : {}) };
  const data = await loadData({ data: dataName, limit, ...pictures }, { maxClasses, maxPixels });
  checkModelFits(saved.spec, data, `in ${paths.model}`);
  const result = evaluate(saved.model, data.test, saved.info.classes, dataName, saved.info.classNames ?? null);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return ExitCode.ok;
  }
  const phrase = perClassPhrase(
    { correct: result.confusion.map((row, k) => row[k]!), count: result.perClass.map((c) => c.samples) },
    saved.info.classNames ?? null,
  );
  const label = (c: EvalResult['perClass'][number]) =>
    c.name === undefined ? String(c.class).padStart(3) : `${String(c.class).padStart(3)} ${c.name}`;
  const labelWidth = Math.max(...result.perClass.map((c) => label(c).length));
  const lines = [
    `${directory}${weights === null ? '' : ` with --weights ${weights}`}: ${result.samples} test samples of ${data.description}`,
    `test loss ${result.loss.toFixed(4)}   accuracy ${(100 * result.accuracy).toFixed(2)}%${phrase === '' ? '' : ` (${phrase})`}`,
    '',
    'per class:',
    ...result.perClass.map(
      (c) =>
        `  ${label(c).padEnd(labelWidth)}  ${c.accuracy === null ? '   —   ' : `${(100 * c.accuracy).toFixed(2).padStart(6)}%`}  of ${c.samples}`,
    ),
    '',
    'confusion matrix (rows: actual, columns: predicted):',
    formatConfusionMatrix(result.confusion),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** The run's own `--data`, from config.json (falling back to the model file's record). */
function runData(configPath: string, fallback: string): string {
  if (!existsSync(configPath)) return fallback;
  try {
    const text = new TextDecoder().decode(
      readUserFile(configPath, { what: 'eval', maxBytes: LIMITS.jsonFileBytes, missing: 'pass --data' }),
    );
    const data = String((JSON.parse(text) as { data?: unknown }).data ?? fallback).slice(0, 4096);
    if (CONTROL_CHARACTERS.test(data)) throw new Error('its data holds control characters');
    return data;
  } catch (error) {
    throw runtimeError(`${configPath} is damaged (${firstLine(error)}); pass --data to say what to evaluate on`, error);
  }
}

function evaluate(
  model: { forward(x: Tensor): Tensor },
  test: LabelledSet,
  classes: number,
  data: string,
  names: readonly string[] | null,
): EvalResult {
  let lossSum = 0;
  const predicted: number[] = [];
  const actual: number[] = [];
  noGrad(() => {
    for (const [inputs, labels] of new DataLoader(test, { batchSize: 500 })) {
      const logits = model.forward(inputs);
      lossSum += crossEntropy(logits, labels, { reduction: 'sum' }).item();
      predicted.push(...logits.argmax(1).data);
      actual.push(...labels.data);
    }
  });
  const confusion = confusionMatrix(predicted, actual, classes);
  const perClass = confusion.map((row, index) => {
    const samples = row.reduce((a, b) => a + b, 0);
    const accuracy = samples === 0 ? null : row[index]! / samples;
    return names?.[index] === undefined
      ? { class: index, samples, accuracy }
      : { class: index, name: names[index]!, samples, accuracy };
  });
  const correct = confusion.reduce((sum, row, index) => sum + row[index]!, 0);
  return {
    data,
    samples: actual.length,
    loss: lossSum / actual.length,
    accuracy: correct / actual.length,
    perClass,
    confusion,
  };
}
