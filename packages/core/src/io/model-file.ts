// A model file: the weights (PyTorch names), the JSON spec and what the data looked like (sample
// shape, class names, picture settings) in one safetensors file — what `backprop train` writes and
// the pages read. Browser-safe: must not import node:* (the CLI reads the bytes, then calls here).
import { noGrad } from '../autograd/graph.js';
import type { Module, StateDict } from '../nn/module.js';
import { Generator } from '../random/generator.js';
import { buildModel } from '../nn/spec.js';
import type { ModelSpec } from '../nn/spec-types.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

// NOTE(model-data-key): the data description lives outside core's reserved `backprop.*` metadata
// under the name the CLI gave it when it wrote the first model files, so every run directory saved
// since still loads — in the CLI and in the pages alike.
/** The `__metadata__` key holding {@link ModelDataInfo} as JSON. */
export const MODEL_DATA_KEY = 'backprop_cli.data';

/** Limits of {@link loadModel}: a model file is data, and these sizes reach allocations. */
export const MODEL_FILE_LIMITS = {
  /** Values in one input sample (3 × 2048 × 2048 fits). */
  sampleElements: 16_777_216,
  /** Axes of one sample ([C, H, W] images have 3). */
  sampleAxes: 4,
  /** Characters of a class name (a folder name; file systems allow 255 bytes). */
  classNameLength: 255,
  /** Side of the square pictures are resized to. */
  imageSize: 4096,
} as const;

/** How pictures were turned into samples: square side, grey or RGB, the validation split, skipping bad files. */
export interface PictureSettings {
  imageSize: number;
  grayscale: boolean;
  valSplit: number;
  skipBad: boolean;
}

/** What a model was trained on: enough for predict and eval to feed it the same kind of sample. */
export interface ModelDataInfo {
  /** Where the data came from (`--data` of a CLI run, the page's name for its pictures). */
  data: string;
  /** Shape of one input sample, e.g. [1, 28, 28] or [3, 32, 32]. */
  sampleShape: number[];
  classes: number;
  /** Class names in label order, when the data had them (a picture folder's subfolders). */
  classNames?: string[];
  /** How pictures were read (absent for other data). */
  pictures?: PictureSettings;
}

/** A model read back from a model file; `I` is `ModelDataInfo | null` when the description may be absent. */
export interface LoadedModel<I extends ModelDataInfo | null = ModelDataInfo> {
  /** The module in evaluation mode, with the file's weights. */
  model: Module;
  spec: ModelSpec;
  weights: StateDict;
  info: I;
  /** Training step stored in the file, or null. */
  step: number | null;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Most values one sample may have (default {@link MODEL_FILE_LIMITS}.sampleElements). */
  maxSampleElements?: number;
  /**
   * `'required'` (default): a file without the data description is refused. `'optional'`: such a
   * file (a checkpoint saved with `encodeCheckpoint({ model, spec })`) loads with `info: null`.
   */
  dataInfo?: 'required' | 'optional';
}

/** Which part of a model file is wrong: its bytes, its spec, its weights or its data description. */
export type ModelFilePart = 'file' | 'spec' | 'weights' | 'data';

/**
 * Why {@link loadModel} refused a file; `part` tells callers which part, to word the fix their way.
 *
 * @example
 * ```ts
 * try { loadModel(bytes); } catch (error) { if (error instanceof ModelFileError && error.part === 'file') … }
 * ```
 */
export class ModelFileError extends Error {
  readonly part: ModelFilePart;

  constructor(part: ModelFilePart, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFileError';
    this.part = part;
  }
}

/**
 * The bytes of a model file: `safetensors.torch.load_file` reads the weights; `format: pt` tells
 * Hugging Face tools they are PyTorch tensors; the spec and `info` travel in the metadata.
 *
 * @example
 * ```ts
 * const bytes = encodeModelFile({ weights: model.stateDict(), spec, info: { data: 'pictures', sampleShape: [3, 32, 32], classes: 2, classNames: ['cat', 'not cat'] } });
 * ```
 */
export function encodeModelFile(file: {
  weights: StateDict;
  spec: ModelSpec;
  info: ModelDataInfo;
  step?: number;
}): Uint8Array {
  return encodeCheckpoint({
    model: file.weights,
    spec: file.spec,
    metadata: { format: 'pt', [MODEL_DATA_KEY]: JSON.stringify(file.info) },
    ...(file.step === undefined ? {} : { training: { step: file.step } }),
  });
}

/**
 * Reads a model file and rebuilds its model: spec, weights (strictly: none missing, extra or
 * mis-shaped) and the data description, checked field by field and against the model (its sample
 * shape goes in, one score per class comes out). Throws a {@link ModelFileError} naming the problem and the part.
 *
 * @example
 * ```ts
 * const { model, info } = loadModel(bytes); // info.sampleShape [3, 32, 32], info.classNames ['cat', 'not cat']
 * const probabilities = model.forward(x).softmax(1);
 * ```
 */
export function loadModel(bytes: Uint8Array, options?: LoadModelOptions & { dataInfo?: 'required' }): LoadedModel;
export function loadModel(
  bytes: Uint8Array,
  options: LoadModelOptions & { dataInfo: 'optional' },
): LoadedModel<ModelDataInfo | null>;
export function loadModel(bytes: Uint8Array, options: LoadModelOptions = {}): LoadedModel<ModelDataInfo | null> {
  const line = (error: unknown) =>
    String((error as Error)?.message ?? error)
      .split('\n', 1)[0]!
      .slice(0, 500);
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes);
  } catch (error) {
    throw new ModelFileError('file', line(error), { cause: error });
  }
  if (checkpoint.spec === undefined)
    throw new ModelFileError('spec', "no model spec ('backprop.spec' in its metadata), so its layers are unknown");
  const text = checkpoint.metadata?.[MODEL_DATA_KEY];
  let info: ModelDataInfo | null = null;
  if (text !== undefined || options.dataInfo !== 'optional') {
    try {
      info = parseModelDataInfo(text, options);
    } catch (error) {
      throw new ModelFileError('data', line(error), { cause: error });
    }
  }
  let model: Module;
  try {
    // A generator of its own: the weights are replaced at once, and the global stream stays untouched.
    model = buildModel(checkpoint.spec, { generator: new Generator(0) });
  } catch (error) {
    throw new ModelFileError('spec', line(error), { cause: error });
  }
  try {
    model.loadStateDict(checkpoint.model); // strict: throws on missing, unexpected or wrongly shaped weights
  } catch (error) {
    throw new ModelFileError('weights', line(error), { cause: error });
  }
  model.eval();
  // The metadata must describe this very model: its sample shape goes in, its class count comes out.
  const problem = info === null ? null : modelFitProblem(model, info);
  if (problem !== null) throw new ModelFileError('data', `its metadata does not match its model: ${problem}`);
  return {
    model,
    spec: checkpoint.spec as ModelSpec,
    weights: checkpoint.model,
    info,
    step: checkpoint.training?.step ?? null,
  };
}

/**
 * Why `model` does not take one sample of `sampleShape` and return one score per class (shape
 * [1, classes]), or null when it does.
 *
 * @example
 * ```ts
 * modelFitProblem(model, { sampleShape: [2], classes: 3 }); // 'it outputs [2] per sample, but the data has 3 classes; …'
 * ```
 */
export function modelFitProblem(
  model: Module,
  data: { sampleShape: readonly number[]; classes: number },
): string | null {
  model.eval();
  const shape = [1, ...data.sampleShape];
  let output: Tensor;
  try {
    output = noGrad(() => model.forward(new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)));
  } catch (error) {
    const line = String((error as Error)?.message ?? error)
      .split('\n', 1)[0]!
      .slice(0, 300);
    return `samples of shape [${data.sampleShape.join(', ')}] fail in the model (${line}); change the model's input layer or the data`;
  }
  if (output.ndim !== 2 || output.shape[1] !== data.classes) {
    return `it outputs [${output.shape.slice(1).join(', ')}] per sample, but the data has ${data.classes} classes; make the last layer output ${data.classes}`;
  }
  return null;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The {@link ModelDataInfo} of a model file's metadata, every field checked: the values reach
 * generated code (`backprop export`), allocations (eval, predict) and pages, so nothing is taken on trust.
 *
 * @example
 * ```ts
 * parseModelDataInfo('{"data":"xor","sampleShape":[2],"classes":2}'); // { data: 'xor', sampleShape: [2], classes: 2 }
 * ```
 */
export function parseModelDataInfo(text: string | undefined, options: LoadModelOptions = {}): ModelDataInfo {
  const key = MODEL_DATA_KEY;
  const maxElements = options.maxSampleElements ?? MODEL_FILE_LIMITS.sampleElements;
  if (text === undefined) throw new Error(`no ${key} metadata`);
  let info: Partial<Record<keyof ModelDataInfo, unknown>> | null;
  try {
    info = JSON.parse(text) as typeof info;
  } catch (error) {
    throw new Error(`${key} is not valid JSON (${String((error as Error).message).slice(0, 80)})`);
  }
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new Error(`${key} is not an object`);
  const { data, sampleShape, classes } = info;
  if (typeof data !== 'string' || CONTROL_CHARACTERS.test(data))
    throw new Error(`${key}.data is not a string without control characters`);
  const sizes = Array.isArray(sampleShape) ? (sampleShape as unknown[]) : [];
  const axes = MODEL_FILE_LIMITS.sampleAxes;
  if (
    sizes.length === 0 ||
    sizes.length > axes ||
    !sizes.every((size) => Number.isSafeInteger(size) && (size as number) >= 1)
  ) {
    throw new Error(
      `${key}.sampleShape must be 1 to ${axes} positive integers, got ${String(JSON.stringify(sampleShape)).slice(0, 80)}`,
    );
  }
  const elements = (sizes as number[]).reduce((a, b) => a * b, 1);
  if (elements > maxElements) {
    throw new Error(
      `${key}.sampleShape [${sizes.join(', ')}] has ${elements} values per sample, over the limit of ${maxElements} (maxSampleElements)`,
    );
  }
  if (typeof classes !== 'number' || !Number.isSafeInteger(classes) || classes < 1) {
    throw new Error(`${key}.classes must be a positive integer, got ${String(JSON.stringify(classes)).slice(0, 80)}`);
  }
  return {
    data: data.slice(0, 4096),
    sampleShape: sizes as number[],
    classes,
    ...(info.classNames === undefined ? {} : { classNames: parseClassNames(info.classNames, classes) }),
    ...(info.pictures === undefined ? {} : { pictures: parsePictures(info.pictures) }),
  };
}

function parseClassNames(value: unknown, classes: number): string[] {
  const longest = MODEL_FILE_LIMITS.classNameLength;
  const ok = (name: unknown) =>
    typeof name === 'string' && name.length > 0 && name.length <= longest && !CONTROL_CHARACTERS.test(name);
  if (!Array.isArray(value) || value.length !== classes || !value.every(ok)) {
    throw new Error(
      `${MODEL_DATA_KEY}.classNames must be ${classes} non-empty names of at most ${longest} characters, without control characters`,
    );
  }
  return value as string[];
}

function parsePictures(value: unknown): PictureSettings {
  const settings = value as Partial<Record<keyof PictureSettings, unknown>> | null;
  const ok =
    typeof settings === 'object' &&
    settings !== null &&
    Number.isSafeInteger(settings.imageSize) &&
    (settings.imageSize as number) >= 1 &&
    (settings.imageSize as number) <= MODEL_FILE_LIMITS.imageSize &&
    typeof settings.grayscale === 'boolean' &&
    typeof settings.skipBad === 'boolean' &&
    typeof settings.valSplit === 'number' &&
    settings.valSplit > 0 &&
    settings.valSplit < 1;
  if (!ok)
    throw new Error(
      `${MODEL_DATA_KEY}.pictures must hold imageSize (1 to ${MODEL_FILE_LIMITS.imageSize}), grayscale, valSplit in (0, 1) and skipBad`,
    );
  return {
    imageSize: settings.imageSize as number,
    grayscale: settings.grayscale as boolean,
    valSplit: settings.valSplit as number,
    skipBad: settings.skipBad as boolean,
  };
}
