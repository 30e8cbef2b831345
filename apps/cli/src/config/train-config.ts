// `backprop train` options: the config that decides the result (saved as config.json) and the
// run options that do not (workers, output). Merges a --config file with flags; validates both.
import { availableParallelism } from 'node:os';
import { OPTIMIZER_TYPES } from '@backprop/core';
import { usageError } from '../errors.js';
import { readJsonFile } from './json-file.js';
import { LIMITS } from './limits.js';
import { IMAGE_LIMITS } from '@backprop/datasets/node';
import { isImageFolder } from '../data/image-folder-source.js';
import { MNIST_RECIPE, PICTURE_RECIPE, SYNTHETIC_RECIPE, TABLE_RECIPE, type Recipe } from './recipes.js';
import {
  parseChoice,
  parseInteger,
  parseIntegerList,
  parsePositive,
  parseSwitch,
  parseText,
  type ValueSource,
} from './values.js';

/** The optimizers `--optimizer` names: core's optimizer spec types (`buildOptimizer`). */
export const OPTIMIZERS = OPTIMIZER_TYPES;
export const SCHEDULES = ['constant', 'cosine', 'step', 'onecycle'] as const;
export const AUGMENTATIONS = ['shift', 'flip-shift', 'none'] as const;
export const SYNTHETIC_SETS = ['spiral', 'circles', 'xor'] as const;

/** Everything that decides the trained weights (written to config.json; a resumed run reads it back). */
export interface TrainConfig {
  /** `mnist`, `spiral`, `circles`, `xor`, an IDX directory, `images,labels` IDX files, or a `.csv` file. */
  data: string;
  /** `mlp`, `cnn`, or the path of a JSON model spec. */
  model: string;
  /** Hidden layer widths of the `mlp` preset. */
  hidden: number[];
  /** Output channels of the two convolutions of the `cnn` preset. */
  channels: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: (typeof OPTIMIZERS)[number];
  schedule: (typeof SCHEDULES)[number];
  seed: number;
  /** Samples per chunk of the data-parallel trainer: part of the result (it fixes the summation order). */
  chunkSize: number;
  /** `shift`: each training image moved by up to one pixel; `flip-shift`: mirrored left to right half of the time, then moved by up to two pixels (photos); from a seeded generator. */
  augment: (typeof AUGMENTATIONS)[number];
  /** Use only the first `limit` training and test samples (quick experiments); `null`: all. */
  limit: number | null;
  /** Picture folders only (absent otherwise): side of the square pictures are resized to. */
  imageSize?: number;
  /** Picture folders only: one grey channel instead of RGB. */
  grayscale?: boolean;
  /** Picture folders only: share of each class held out for validation. */
  valSplit?: number;
  /** Picture folders only: leave out files that do not decode instead of failing. */
  skipBad?: boolean;
}

/** Options of a run that do not change its result. */
export interface RunOptions {
  workers: number;
  /** Most classes the data's labels may ask for (`--max-classes`, default {@link LIMITS}.classes). */
  maxClasses: number;
  /** Most pixels a picture may declare in its header (`--max-pixels`, default 50 megapixels). */
  maxPixels: number;
  out: string | null;
  force: boolean;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** What `--data` names: a built-in set or a kind of file. */
export type DataKind = 'mnist' | (typeof SYNTHETIC_SETS)[number] | 'idx' | 'csv' | 'pictures';

/** The kind of data source `--data` names (file sources are checked when loaded). */
export function dataKind(data: string): DataKind {
  if (data === 'mnist' || (SYNTHETIC_SETS as readonly string[]).includes(data)) return data as DataKind;
  if (data.toLowerCase().endsWith('.csv')) return 'csv';
  return isImageFolder(data) ? 'pictures' : 'idx';
}

/** Option keys a config file may hold (camelCase), with their flags. */
const CONFIG_KEYS: Record<string, string> = {
  data: '--data',
  model: '--model',
  hidden: '--hidden',
  channels: '--channels',
  epochs: '--epochs',
  batchSize: '--batch-size',
  lr: '--lr',
  optimizer: '--optimizer',
  schedule: '--schedule',
  seed: '--seed',
  chunkSize: '--chunk-size',
  augment: '--augment',
  limit: '--limit',
  imageSize: '--image-size',
  grayscale: '--grayscale',
  valSplit: '--val-split',
  skipBad: '--skip-bad',
  workers: '--workers',
  out: '--out',
  maxClasses: '--max-classes',
  maxPixels: '--max-pixels',
};

/** Raw values as they came: flags (strings) and config file entries (JSON), each with its source. */
type RawOptions = Record<string, { value: unknown; source: ValueSource }>;

/**
 * Reads a `--config` JSON file: an object whose keys are the camelCase option names.
 *
 * @example
 * ```ts
 * readConfigFile('mnist.json'); // { epochs: { value: 5, source: { flag: '--epochs', file: 'mnist.json', key: 'epochs' } }, ... }
 * ```
 */
export function readConfigFile(path: string): RawOptions {
  const parsed = readJsonFile(path, '--config');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(`--config ${path} must hold a JSON object such as {"epochs": 5, "lr": 0.001}`);
  }
  const raw: RawOptions = {};
  for (const [key, value] of Object.entries(parsed)) {
    const flag = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
    if (flag === undefined)
      throw usageError(
        `--config ${path}: unknown option ${JSON.stringify(key.slice(0, 80))}; known: ${Object.keys(CONFIG_KEYS).join(', ')}`,
      );
    raw[key] = { value, source: { flag, file: path, key } };
  }
  return raw;
}

/** Flag values from commander (camelCase keys, strings) as raw options. */
export function flagOptions(flags: Record<string, unknown>): RawOptions {
  const raw: RawOptions = {};
  for (const [key, flag] of Object.entries(CONFIG_KEYS)) {
    if (flags[key] !== undefined) raw[key] = { value: flags[key], source: { flag } };
  }
  return raw;
}

/**
 * The full train config: flags over the config file over defaults (which depend on the data: the
 * MNIST recipe for `mnist`, small-set settings for spiral/circles/xor). Throws usage errors.
 *
 * @example
 * ```ts
 * resolveTrainConfig({ ...readConfigFile('c.json'), ...flagOptions(flags) });
 * ```
 */
export function resolveTrainConfig(raw: RawOptions): TrainConfig {
  const get = (key: string) => raw[key];
  const data = get('data') ? parseText(get('data')!.value, get('data')!.source) : 'mnist';
  const kind = dataKind(data);
  const recipe = RECIPES[kind];
  const optimizer = get('optimizer')
    ? parseChoice(get('optimizer')!.value, get('optimizer')!.source, OPTIMIZERS)
    : recipe.optimizer;
  const pick = <T>(key: string, parse: (value: unknown, source: ValueSource) => T, fallback: T): T => {
    const entry = get(key);
    return entry === undefined ? fallback : parse(entry.value, entry.source);
  };
  return {
    data,
    model: pick('model', parseText, recipe.model),
    hidden: pick('hidden', parseIntegerList, recipe.hidden),
    channels: pick(
      'channels',
      (value, source) => {
        const list = parseIntegerList(value, source);
        if (list.length !== 2)
          throw usageError(
            `${source.flag} takes two channel counts (first and second convolution), got ${list.length} (e.g. ${source.flag} 6,16 for LeNet-5)`,
          );
        return list;
      },
      recipe.channels,
    ),
    epochs: pick('epochs', (value, source) => parseInteger(value, source, { min: 1, example: '5' }), recipe.epochs),
    batchSize: pick(
      'batchSize',
      (value, source) => parseInteger(value, source, { min: 1, example: '64' }),
      recipe.batchSize,
    ),
    lr: pick(
      'lr',
      (value, source) => parsePositive(value, source, '0.001'),
      optimizer === recipe.optimizer ? recipe.lr : DEFAULT_LEARNING_RATES[optimizer],
    ),
    optimizer,
    schedule: pick('schedule', (value, source) => parseChoice(value, source, SCHEDULES), recipe.schedule),
    seed: pick('seed', (value, source) => parseInteger(value, source, { min: 0, example: '1' }), 1),
    chunkSize: pick(
      'chunkSize',
      (value, source) => parseInteger(value, source, { min: 1, example: '32' }),
      recipe.chunkSize,
    ),
    augment: pick('augment', (value, source) => parseChoice(value, source, AUGMENTATIONS), DEFAULT_AUGMENT[kind]),
    limit: pick('limit', (value, source) => parseInteger(value, source, { min: 1, example: '1000' }), null),
    ...pictureOptions(kind, pick, get),
  };
}

const RECIPES: Record<DataKind, Recipe> = {
  mnist: MNIST_RECIPE,
  idx: MNIST_RECIPE,
  csv: TABLE_RECIPE,
  pictures: PICTURE_RECIPE,
  spiral: SYNTHETIC_RECIPE,
  circles: SYNTHETIC_RECIPE,
  xor: SYNTHETIC_RECIPE,
};
const DEFAULT_AUGMENT: Record<DataKind, TrainConfig['augment']> = {
  mnist: 'shift',
  idx: 'shift',
  pictures: 'flip-shift',
  csv: 'none',
  spiral: 'none',
  circles: 'none',
  xor: 'none',
};

/** The picture-folder options: set for `--data` a picture folder, refused for any other data. */
function pictureOptions(
  kind: DataKind,
  pick: <T>(key: string, parse: (value: unknown, source: ValueSource) => T, fallback: T) => T,
  get: (key: string) => RawOptions[string] | undefined,
): Pick<TrainConfig, 'imageSize' | 'grayscale' | 'valSplit' | 'skipBad'> {
  const keys = ['imageSize', 'grayscale', 'valSplit', 'skipBad'] as const;
  if (kind !== 'pictures') {
    const given = keys.find((key) => get(key) !== undefined && get(key)!.value !== false);
    if (given !== undefined)
      throw usageError(
        `${get(given)!.source.flag} applies to a folder of pictures (one subfolder per class), not to --data of this kind`,
      );
    return {};
  }
  return {
    imageSize: pick('imageSize', (value, source) => parseInteger(value, source, { min: 16, example: '48' }), 32),
    grayscale: pick('grayscale', parseSwitch, false),
    valSplit: pick(
      'valSplit',
      (value, source) => {
        const split = parsePositive(value, source, '0.2');
        if (split >= 1)
          throw usageError(
            `${source.flag} must be a fraction in (0, 1), got ${String(value).slice(0, 40)} (e.g. ${source.flag} 0.2)`,
          );
        return split;
      },
      0.2,
    ),
    skipBad: pick('skipBad', parseSwitch, false),
  };
}

/** Learning rates that work for each optimizer when `--lr` is not given. */
const DEFAULT_LEARNING_RATES: Record<TrainConfig['optimizer'], number> = {
  sgd: 0.05,
  adam: 0.002,
  adamw: 0.002,
  rmsprop: 0.001,
};

/**
 * Run options: workers (default: every core), output and reporting. Throws usage errors.
 *
 * @example
 * ```ts
 * resolveRunOptions(raw, { force: false, json: true, quiet: false, verbose: false });
 * ```
 */
export function resolveRunOptions(
  raw: RawOptions,
  switches: { force: boolean; json: boolean; quiet: boolean; verbose: boolean },
): RunOptions {
  const workers = raw.workers
    ? parseInteger(raw.workers.value, raw.workers.source, { min: 1, example: String(availableParallelism()) })
    : availableParallelism();
  const out = raw.out ? parseText(raw.out.value, raw.out.source) : null;
  const maxClasses = raw.maxClasses
    ? parseInteger(raw.maxClasses.value, raw.maxClasses.source, { min: 2, example: '5000' })
    : LIMITS.classes;
  const maxPixels = raw.maxPixels
    ? parseInteger(raw.maxPixels.value, raw.maxPixels.source, { min: 1, example: '100000000' })
    : IMAGE_LIMITS.maxPixels;
  if (switches.json && switches.quiet)
    throw usageError(
      '--json and --quiet do not go together: --json prints events for machines, --quiet prints nothing; pick one',
    );
  return { workers, maxClasses, maxPixels, out, ...switches };
}
