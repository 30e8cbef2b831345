// `--data DIR`, `--data images,labels` (IDX, gzip'd or not) and `--data file.csv`: the user's own data.
// A source without its own test part is split 80 / 20 with a fixed seed. Node-only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, randomSplit, Tensor, TensorDataset } from '@backprop/core';
import { readMnistFiles } from '@backprop/core/node';
import { LIMITS } from '../config/limits.js';
import { runtimeError, usageError, firstLine } from '../errors.js';
import { readUserFile } from '../run/user-file.js';
import { checkLabels } from './label-check.js';
import { asImages, takeRows, type LabelledData, type LabelledSet } from './labelled-data.js';

/** The split of a source without a test part always uses this seed, so it never moves with `--seed`. */
const SPLIT_SEED = 0;

function requireFile(path: string, what: string): void {
  if (!existsSync(path))
    throw usageError(
      `--data: ${what} ${path} does not exist; check the path (see backprop train --help for data sources)`,
    );
}

function holdOut(set: LabelledSet): [LabelledSet, LabelledSet] {
  const [train, test] = randomSplit(set, [0.8, 0.2], SPLIT_SEED);
  return [takeRows(set, train!.indices), takeRows(set, test!.indices)];
}

/** Options of the file sources. */
export interface FileSourceOptions {
  /** Most classes the labels may ask for (`--max-classes`). */
  maxClasses: number;
}

/** What {@link finish} checks and completes: the split sets read from `source`. */
interface ReadSets {
  description: string;
  sets: [LabelledSet, LabelledSet];
  source: string;
  /** What divides the values read to give the model's inputs: 255 for bytes, 1 for other values. */
  pixelScale: 1 | 255;
}

/** The sets as LabelledData, once their shapes agree and their labels are classes. */
function finish(
  { description, sets: [train, test], source, pixelScale }: ReadSets,
  options: FileSourceOptions,
): LabelledData {
  const sampleShape = train.tensors[0].shape.slice(1);
  const testShape = test.tensors[0].shape.slice(1);
  if (sampleShape.join() !== testShape.join()) {
    throw runtimeError(
      `--data ${source}: training samples have shape [${sampleShape.join(', ')}] but test samples [${testShape.join(', ')}]; give train and test files of one shape`,
    );
  }
  let labels;
  try {
    labels = checkLabels(train.tensors[1], test.tensors[1], {
      source: `--data ${source}`,
      maxClasses: options.maxClasses,
    });
  } catch (error) {
    throw runtimeError(firstLine(error), error);
  }
  return { description, train, test, sampleShape, classes: labels.classes, pixelScale, warnings: labels.warnings };
}

function readPair(images: string, labels: string): LabelledSet {
  try {
    return readMnistFiles(images, labels);
  } catch (error) {
    throw runtimeError(`--data: cannot read IDX files: ${firstLine(error)}`, error);
  }
}

const IDX_NAMES = {
  trainImages: /^train-images[.-]idx3-ubyte(\.gz)?$/,
  trainLabels: /^train-labels[.-]idx1-ubyte(\.gz)?$/,
  testImages: /^t10k-images[.-]idx3-ubyte(\.gz)?$/,
  testLabels: /^t10k-labels[.-]idx1-ubyte(\.gz)?$/,
};

/**
 * IDX data: a directory holding `train-images-idx3-ubyte[.gz]` + `train-labels-idx1-ubyte[.gz]`
 * (and optionally the `t10k-*` test files), or two files `images,labels`.
 *
 * @example
 * ```ts
 * loadIdx('~/data/fashion-mnist', { maxClasses: 1000 }); loadIdx('imgs.idx3-ubyte,labels.idx1-ubyte', { maxClasses: 1000 });
 * ```
 */
export function loadIdx(source: string, options: FileSourceOptions): LabelledData {
  if (source.includes(',')) {
    const [images, labels, extra] = source.split(',');
    if (extra !== undefined || !images || !labels)
      throw usageError(`--data ${source}: give an IDX pair as IMAGES,LABELS (two paths, one comma)`);
    requireFile(images, 'images file');
    requireFile(labels, 'labels file');
    return finish(
      {
        description: `IDX ${images} + ${labels}, seeded 80 / 20 split`,
        sets: holdOut(readPair(images, labels)),
        source,
        pixelScale: 255,
      },
      options,
    );
  }
  requireFile(source, 'data source');
  if (!statSync(source).isDirectory()) {
    throw usageError(
      `--data ${source}: not a directory, a .csv file or a built-in set; for IDX files pass IMAGES,LABELS or their directory`,
    );
  }
  const files = readdirSync(source);
  const find = (pattern: RegExp) => files.find((name) => pattern.test(name));
  const [trainImages, trainLabels] = [find(IDX_NAMES.trainImages), find(IDX_NAMES.trainLabels)];
  if (trainImages === undefined || trainLabels === undefined) {
    throw usageError(
      `--data ${source}: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] in it; put the IDX files there or pass IMAGES,LABELS`,
    );
  }
  const train = readPair(join(source, trainImages), join(source, trainLabels));
  const [testImages, testLabels] = [find(IDX_NAMES.testImages), find(IDX_NAMES.testLabels)];
  if (testImages !== undefined && testLabels !== undefined) {
    return finish(
      {
        description: `IDX directory ${source} (train-* / t10k-*)`,
        sets: [train, readPair(join(source, testImages), join(source, testLabels))],
        source,
        pixelScale: 255,
      },
      options,
    );
  }
  return finish(
    {
      description: `IDX directory ${source} (train-*), seeded 80 / 20 split`,
      sets: holdOut(train),
      source,
      pixelScale: 255,
    },
    options,
  );
}

/**
 * A numeric CSV file: the label in the first column, features after it (a header line is
 * detected). Rows of a square number of values (784 = 28×28) become images; pixel bytes (all values
 * integers in 0…255, some above 1) are divided by 255. Split 80 / 20 with a fixed seed.
 *
 * @example
 * ```ts
 * loadCsv('mnist_train.csv', { maxClasses: 1000 }); // label,pixel0,…,pixel783
 * ```
 */
export function loadCsv(path: string, options: FileSourceOptions): LabelledData {
  requireFile(path, 'CSV file');
  const text = new TextDecoder().decode(
    readUserFile(path, { what: '--data', maxBytes: LIMITS.csvBytes, missing: 'check the path' }),
  );
  let inputs: Tensor;
  let labels: Tensor;
  try {
    ({ inputs, labels } = parseCsv(text, { name: path }));
  } catch (error) {
    throw runtimeError(`--data: ${firstLine(error)}`, error);
  }
  // NOTE(csv-bytes): pixel bytes (integers 0…255, some above 1) are scaled to 0…1 like the IDX and
  // embedded images; any other table is left as it is.
  const isBytes =
    inputs.data.some((value) => value > 1) &&
    inputs.data.every((value) => Number.isInteger(value) && value >= 0 && value <= 255);
  if (isBytes)
    inputs = new Tensor(
      inputs.data.map((value) => value / 255),
      inputs.shape,
    );
  const all = new TensorDataset(asImages(inputs), labels);
  return finish(
    {
      description: `CSV ${path}${isBytes ? ' (values ÷ 255)' : ''}, seeded 80 / 20 split`,
      sets: holdOut(all),
      source: path,
      pixelScale: isBytes ? 255 : 1,
    },
    options,
  );
}
