// The class labels of a user's data, checked before a model is sized from them: the class count
// (largest label + 1) is bounded, and labels that look like a mistake get a warning or an error.
import type { Tensor } from '@backprop/core';

/** Control characters (C0, DEL, C1): a class name printed to a terminal must not carry escape sequences. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** What {@link checkLabels} found: the class count and any warnings for the user. */
export interface LabelSummary {
  /** Largest label + 1 over the training and test labels. */
  classes: number;
  /** One line each: suspicious labels that do not stop training. */
  warnings: string[];
}

/** Options of {@link checkLabels}. */
export interface CheckLabelsOptions {
  /** Where the labels came from, for messages (`--data file.csv`). */
  source: string;
  /** Most classes allowed (`--max-classes`). */
  maxClasses: number;
}

/** Per class, how many labels of `labels` have it; throws unless every label is an integer in 0 … maxClasses − 1. */
function countPerClass(labels: Tensor, part: string, { source, maxClasses }: CheckLabelsOptions): number[] {
  const counts: number[] = [];
  const values = labels.data;
  for (let row = 0; row < values.length; row++) {
    const label = values[row]!;
    if (!Number.isInteger(label) || label < 0) {
      throw new Error(
        `${source}: ${part} labels must be class indices 0, 1, 2, …, found ${Number(label.toPrecision(7))} (row ${row}); put the class index in the label column`,
      );
    }
    if (label >= maxClasses) {
      throw new Error(
        `${source}: ${part} label ${label} (row ${row}) asks for ${label + 1} classes, over the limit of ${maxClasses}; ` +
          'labels must be class indices 0 … K−1 (are these values rather than classes?), or raise --max-classes',
      );
    }
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return Array.from(counts, (count) => count ?? 0);
}

/** `3, 4, 5 and 250 more`: a list cut short for one line. */
function someOf(items: number[]): string {
  const shown = items.slice(0, 5).join(', ');
  return items.length > 5 ? `${shown} and ${items.length - 5} more` : shown;
}

/**
 * Checks the labels of a training and a test set and counts the classes. Throws when a label is
 * not a class index, when one would need more than `maxClasses` classes, or when the training
 * labels hold fewer than two classes; warns about classes without training samples (a stray
 * label such as 255 among digits), classes with a single sample, test classes never trained on,
 * and label sets that look like measured values rather than classes.
 *
 * @example
 * ```ts
 * const { classes, warnings } = checkLabels(train.tensors[1], test.tensors[1], { source: 'digits.csv', maxClasses: 1000 });
 * ```
 */
export function checkLabels(trainLabels: Tensor, testLabels: Tensor, options: CheckLabelsOptions): LabelSummary {
  const train = countPerClass(trainLabels, 'training', options);
  const test = countPerClass(testLabels, 'test', options);
  const classes = Math.max(train.length, test.length);
  const present = train.flatMap((count, label) => (count > 0 ? [label] : []));
  if (present.length < 2) {
    throw new Error(
      `${options.source}: the training labels hold ${present.length === 0 ? 'no class' : `one class only (label ${present[0]})`}; a classifier needs at least two classes`,
    );
  }
  const warnings: string[] = [];
  const missing = Array.from({ length: classes }, (_, label) => label).filter((label) => (train[label] ?? 0) === 0);
  if (missing.length > 0) {
    warnings.push(
      `${options.source}: labels go up to ${classes - 1}, so the model gets ${classes} outputs, but ${missing.length} of them have no training sample (${someOf(missing)}); check for stray labels`,
    );
  }
  const single = train.flatMap((count, label) => (count === 1 ? [label] : []));
  if (single.length > 0)
    warnings.push(`${options.source}: ${single.length} class(es) have a single training sample (${someOf(single)})`);
  const untrained = test.flatMap((count, label) => (count > 0 && (train[label] ?? 0) === 0 ? [label] : []));
  if (untrained.length > 0)
    warnings.push(`${options.source}: the test labels hold class(es) never seen in training (${someOf(untrained)})`);
  if (present.length > 20 && present.length * 2 > trainLabels.size) {
    warnings.push(
      `${options.source}: ${present.length} distinct labels for ${trainLabels.size} training samples: are the labels measured values rather than classes? backprop trains classifiers`,
    );
  }
  return { classes, warnings };
}
