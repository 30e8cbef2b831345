// model.safetensors of a run: the weights (PyTorch names and layouts), the model spec and what the
// data looked like (sample shape, classes), so eval/predict/export need nothing else.
import { buildModel, decodeCheckpoint, encodeCheckpoint, type ModelSpec, type Module, type StateDict } from '@backprop/core';
import { existsSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES, readRegularFileSync } from '@backprop/core/node';
import { LIMITS } from '../config/limits.js';
import { CONTROL_CHARACTERS } from '../data/label-check.js';
import { firstLine, runtimeError, usageError } from '../errors.js';
import { fitProblem } from '../model/model-spec.js';

/** The metadata key (outside core's reserved `backprop.*`) holding {@link DataInfo} as JSON. */
const DATA_KEY = 'backprop_cli.data';

/** What the model was trained on. */
export interface DataInfo {
  /** `--data` of the run. */
  data: string;
  /** Shape of one input sample, e.g. [1, 28, 28]. */
  sampleShape: number[];
  classes: number;
  /** Class names in label order, when the data had them (a picture folder's subfolders). */
  classNames?: string[];
  /** How a picture folder was read (absent for other data): predict and eval read pictures alike. */
  pictures?: PictureSettings;
}

/** How pictures are turned into samples: square side, grey or RGB, the validation split, skipping bad files. */
export interface PictureSettings {
  imageSize: number;
  grayscale: boolean;
  valSplit: number;
  skipBad: boolean;
}

/**
 * The bytes of model.safetensors: `safetensors.torch.load_file` reads the weights; `format: pt`
 * tells Hugging Face tools they are PyTorch tensors.
 */
export function encodeModelFile(weights: StateDict, spec: ModelSpec, info: DataInfo): Uint8Array {
  return encodeCheckpoint({ model: weights, spec, metadata: { format: 'pt', [DATA_KEY]: JSON.stringify(info) } });
}

/** A model read back: the module with its weights, its spec, and the data it was trained on. */
export interface SavedModel {
  model: Module;
  spec: ModelSpec;
  weights: StateDict;
  info: DataInfo;
}

/**
 * Reads `path` (a run's model.safetensors) and rebuilds the model. Missing file: usage error;
 * damaged file: runtime error.
 *
 * @example
 * ```ts
 * const { model, info } = readModelFile('runs/mnist-cnn-1/model.safetensors');
 * ```
 */
export function readModelFile(path: string): SavedModel {
  if (!existsSync(path)) {
    throw usageError(`${path} does not exist: is this a run directory? A run writes it after its first epoch (resume it with backprop train --resume)`);
  }
  const damaged = (detail: string, cause?: unknown) => runtimeError(`${path} is damaged or not a backprop model (${detail}); train again or restore the file`, cause);
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(readRegularFileSync('backprop', path, DEFAULT_MAX_FILE_BYTES), { require: ['spec'] });
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
  let info: DataInfo;
  let model: Module;
  try {
    info = parseDataInfo(checkpoint.metadata?.[DATA_KEY]);
    model = buildModel(checkpoint.spec);
    model.loadStateDict(checkpoint.model); // strict: throws on missing, unexpected or wrongly shaped weights
    model.eval();
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
  // The metadata must describe this very model: its sample shape goes in, its class count comes out.
  const problem = fitProblem(model, info);
  if (problem !== null) throw damaged(`its metadata does not match its model: ${problem}`);
  return { model, spec: checkpoint.spec as ModelSpec, weights: checkpoint.model, info };
}

/** Most axes a sample may have ([C, H, W] images have 3). */
const MAX_SAMPLE_AXES = 4;

/**
 * The {@link DataInfo} of a model file's metadata, every field checked: the values reach generated
 * code (`backprop export`) and allocations (`eval`, `predict`), so nothing is taken on trust.
 */
export function parseDataInfo(text: string | undefined): DataInfo {
  if (text === undefined) throw new Error(`no ${DATA_KEY} metadata`);
  const info = JSON.parse(text) as Partial<Record<keyof DataInfo, unknown>> | null;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new Error(`${DATA_KEY} is not an object`);
  const { data, sampleShape, classes } = info as Record<string, unknown>;
  if (typeof data !== 'string' || CONTROL_CHARACTERS.test(data)) throw new Error(`${DATA_KEY}.data is not a string without control characters`);
  const sizes = Array.isArray(sampleShape) ? sampleShape : [];
  if (sizes.length === 0 || sizes.length > MAX_SAMPLE_AXES || !sizes.every((size) => Number.isSafeInteger(size) && (size as number) >= 1)) {
    throw new Error(`${DATA_KEY}.sampleShape must be 1 to ${MAX_SAMPLE_AXES} positive integers, got ${String(JSON.stringify(sampleShape)).slice(0, 80)}`);
  }
  const elements = (sizes as number[]).reduce((a, b) => a * b, 1);
  if (elements > LIMITS.sampleElements) {
    throw new Error(`${DATA_KEY}.sampleShape [${sizes.join(', ')}] has ${elements} values per sample, over the limit of ${LIMITS.sampleElements}`);
  }
  if (typeof classes !== 'number' || !Number.isSafeInteger(classes) || classes < 1) {
    throw new Error(`${DATA_KEY}.classes must be a positive integer, got ${String(JSON.stringify(classes)).slice(0, 80)}`);
  }
  return {
    data: data.slice(0, 4096),
    sampleShape: sizes as number[],
    classes,
    ...(info.classNames === undefined ? {} : { classNames: parseClassNames(info.classNames, classes) }),
    ...(info.pictures === undefined ? {} : { pictures: parsePictures(info.pictures) }),
  };
}

/** Longest class name kept (a folder name; file systems allow 255 bytes). */
const MAX_CLASS_NAME = 255;

function parseClassNames(value: unknown, classes: number): string[] {
  const ok = (name: unknown) => typeof name === 'string' && name.length > 0 && name.length <= MAX_CLASS_NAME && !CONTROL_CHARACTERS.test(name);
  if (!Array.isArray(value) || value.length !== classes || !value.every(ok)) {
    throw new Error(`${DATA_KEY}.classNames must be ${classes} non-empty names of at most ${MAX_CLASS_NAME} characters, without control characters`);
  }
  return value as string[];
}

function parsePictures(value: unknown): PictureSettings {
  const settings = value as Partial<Record<keyof PictureSettings, unknown>> | null;
  const ok =
    typeof settings === 'object' && settings !== null &&
    Number.isSafeInteger(settings.imageSize) && (settings.imageSize as number) >= 1 && (settings.imageSize as number) <= 4096 &&
    typeof settings.grayscale === 'boolean' && typeof settings.skipBad === 'boolean' &&
    typeof settings.valSplit === 'number' && settings.valSplit > 0 && settings.valSplit < 1;
  if (!ok) throw new Error(`${DATA_KEY}.pictures must hold imageSize (1 to 4096), grayscale, valSplit in (0, 1) and skipBad`);
  return { imageSize: settings.imageSize as number, grayscale: settings.grayscale as boolean, valSplit: settings.valSplit as number, skipBad: settings.skipBad as boolean };
}
