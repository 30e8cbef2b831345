// A training checkpoint — weights, optimizer state, model spec, step/epoch/RNG — in ONE safetensors file.
// Browser-safe: builds on io/safetensors; must never import node: modules, nn/ or optim/ at run time.
import { Generator, type GeneratorState } from '../random/generator.js';
import { clip, excerpt, excerptJson } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors } from './safetensors-read.js';
import { saveSafetensors } from './safetensors-write.js';

// NOTE(checkpoint-layout): weights keep their own PyTorch names (`layers.0.weight`), so
// `safetensors.torch.load_file` + `load_state_dict` works after dropping the `optimizer.`
// names. Optimizer tensors are `optimizer.state.<paramIndex>.<key>`; everything else lives in
// `__metadata__` as JSON strings under `backprop.*`. Scalars go to JSON, not 0-d tensors, so
// that step counts and float64 hyperparameters come back exactly.

/** The checkpoint layout version written to `backprop.format`; readers refuse newer ones. */
export const CHECKPOINT_FORMAT_VERSION = 1;

const OPTIMIZER_PREFIX = 'optimizer.';
const STATE_NAME = /^optimizer\.state\.(0|[1-9]\d*)\.(.+)$/s;
const KEYS = {
  format: 'backprop.format',
  spec: 'backprop.spec',
  optimizer: 'backprop.optimizer',
  training: 'backprop.training',
} as const;

/** Optimizer state in PyTorch's `state_dict()` shape: per-parameter state by parameter index, plus param groups. */
export interface OptimizerCheckpoint {
  /** Per parameter index (its position in `namedParameters()`): tensors such as `expAvg`, numbers such as `step`. */
  state: Record<number, Record<string, Tensor | number>>;
  /** Hyperparameters per group (`lr`, `betas`, `params` indices, ...): any JSON-serialisable objects. */
  paramGroups: object[];
}

/** Where a run is, so that a resumed run continues exactly. Every field is optional. */
export interface TrainingCheckpoint {
  /** Optimizer steps taken so far. */
  step?: number;
  /** Completed epochs. */
  epoch?: number;
  /** The generator's state (`generator.getState()`), restored with `setState`. */
  rng?: GeneratorState;
  /** Anything else worth restoring or reporting: learning-rate schedule, batch size, ... (JSON). */
  hyperparameters?: Record<string, unknown>;
}

/** Everything a checkpoint holds; {@link decodeCheckpoint} returns what {@link encodeCheckpoint} was given. */
export interface Checkpoint {
  /** Model weights and buffers by dotted PyTorch-style name, PyTorch layouts (`nn.Linear` weight is `[out, in]`). */
  model: Record<string, Tensor>;
  optimizer?: OptimizerCheckpoint;
  /** The JSON model spec that rebuilds the module tree; stored as given. */
  spec?: unknown;
  training?: TrainingCheckpoint;
  /** Extra `__metadata__` strings, e.g. `{ format: 'pt' }` for Hugging Face tools (`backprop.*` is reserved). */
  metadata?: Record<string, string>;
}

/** Parts that {@link decodeCheckpoint} can be told to insist on. */
export type CheckpointPart = 'optimizer' | 'spec' | 'training';

/** Options of {@link decodeCheckpoint}. */
export interface DecodeCheckpointOptions {
  /** Throw unless the file holds these parts (e.g. `['optimizer', 'training']` to resume a run). */
  require?: readonly CheckpointPart[];
}

/**
 * Serialises a training checkpoint as one safetensors file (see NOTE(checkpoint-layout)).
 *
 * @example
 * ```ts
 * const bytes = encodeCheckpoint({
 *   model: model.stateDict(),
 *   optimizer: optimizer.stateDict(), // { state: { 0: { step: 10, expAvg, ... } }, paramGroups }
 *   spec: model.toSpec(),
 *   training: { step: 10, epoch: 1, rng: generator.getState(), hyperparameters: { batchSize: 64 } },
 * });
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const fail = (message: string): never => {
    throw new Error(`encodeCheckpoint: ${message}`);
  };
  if (
    typeof checkpoint !== 'object' ||
    checkpoint === null ||
    typeof checkpoint.model !== 'object' ||
    checkpoint.model === null
  ) {
    fail('expected { model: Record<string, Tensor>, optimizer?, spec?, training?, metadata? }');
  }
  const tensors = new Map<string, Tensor>();
  for (const [name, tensor] of Object.entries(checkpoint.model)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) {
      fail(
        `model tensor '${name}': names starting with '${OPTIMIZER_PREFIX}' are reserved for optimizer state; rename the module`,
      );
    }
    if (!(tensor instanceof Tensor)) fail(`model['${name}'] is not a Tensor`);
    tensors.set(name, tensor);
  }

  const metadata: Record<string, string> = { [KEYS.format]: String(CHECKPOINT_FORMAT_VERSION) };
  for (const [key, value] of Object.entries(checkpoint.metadata ?? {})) {
    if (key.startsWith('backprop.'))
      fail(`metadata key '${key}': the 'backprop.' prefix is reserved for the checkpoint itself`);
    setOwn(metadata, key, value);
  }
  if (checkpoint.spec !== undefined) metadata[KEYS.spec] = toJson(checkpoint.spec, 'spec', fail);
  if (checkpoint.training !== undefined) {
    checkTraining(checkpoint.training, fail);
    metadata[KEYS.training] = toJson(checkpoint.training, 'training', fail);
  }

  const optimizer = checkpoint.optimizer;
  if (optimizer !== undefined) {
    if (typeof optimizer !== 'object' || optimizer === null || !Array.isArray(optimizer.paramGroups)) {
      fail('optimizer must be { state, paramGroups: object[] } (the shape of a PyTorch optimizer state_dict)');
    }
    const scalars: Record<string, Record<string, number>> = {};
    for (const [index, entries] of Object.entries(optimizer.state ?? {})) {
      if (!/^(0|[1-9]\d*)$/.test(index))
        fail(`optimizer.state key '${index}' must be a parameter index (0, 1, 2, ...)`);
      if (typeof entries !== 'object' || entries === null)
        fail(`optimizer.state[${index}] must be an object of tensors and numbers`);
      for (const [key, value] of Object.entries(entries)) {
        if (key === '') fail(`optimizer.state[${index}] has an empty key`);
        if (value instanceof Tensor) {
          tensors.set(`optimizer.state.${index}.${key}`, value);
        } else if (typeof value === 'number' && Number.isFinite(value)) {
          setOwn((scalars[index] ??= {}), key, value);
        } else {
          fail(
            `optimizer.state[${index}].${key} must be a Tensor or a finite number, got ${String(value)}; store other values as a tensor`,
          );
        }
      }
    }
    metadata[KEYS.optimizer] = toJson({ paramGroups: optimizer.paramGroups, scalars }, 'optimizer', fail);
  }
  return saveSafetensors(tensors, metadata);
}

/**
 * Reads a checkpoint written by {@link encodeCheckpoint}, or a plain safetensors file (e.g. from
 * `safetensors.torch.save_file`), whose tensors then all count as model weights. Validates the
 * Backprop metadata and throws clear errors; with `require`, also when a part is missing.
 *
 * @example
 * ```ts
 * const saved = decodeCheckpoint(bytes, { require: ['optimizer', 'training'] });
 * model.loadStateDict(saved.model);
 * optimizer.loadStateDict(saved.optimizer as OptimizerStateDict<AdamOptions>);
 * generator.setState(saved.training!.rng!);
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): Checkpoint {
  const fail = (message: string): never => {
    throw new Error(`decodeCheckpoint: ${message}`);
  };
  const contents = loadSafetensors(bytes);
  const stored = contents.metadata;
  const format = stored[KEYS.format];
  const isBackprop = format !== undefined;
  if (!isBackprop) {
    const stray = Object.keys(stored).find((key) => key.startsWith('backprop.'));
    if (stray !== undefined)
      fail(`metadata has '${clip(stray)}' but no '${KEYS.format}': a damaged Backprop checkpoint`);
  } else if (format !== String(CHECKPOINT_FORMAT_VERSION)) {
    const version = Number(format);
    fail(
      Number.isInteger(version) && version > CHECKPOINT_FORMAT_VERSION
        ? `checkpoint format ${version} is newer than this @backprop/core reads (${CHECKPOINT_FORMAT_VERSION}); upgrade @backprop/core`
        : `unknown checkpoint format ${excerpt(format)} in '${KEYS.format}' (expected '${CHECKPOINT_FORMAT_VERSION}')`,
    );
  }

  const checkpoint: Checkpoint = { model: {} };
  const optimizerTensors: [number, string, Tensor][] = [];
  for (const [name, tensor] of Object.entries(contents.tensors)) {
    if (isBackprop && name.startsWith(OPTIMIZER_PREFIX)) {
      const match = STATE_NAME.exec(name);
      if (match === null) fail(`tensor '${clip(name)}' is not of the form optimizer.state.<paramIndex>.<key>`);
      optimizerTensors.push([Number(match![1]), match![2]!, tensor]);
    } else {
      setOwn(checkpoint.model, name, tensor);
    }
  }

  const extra = Object.entries(stored).filter(([key]) => !(isBackprop && key.startsWith('backprop.')));
  if (extra.length > 0) checkpoint.metadata = Object.fromEntries(extra);
  if (stored[KEYS.spec] !== undefined && isBackprop) checkpoint.spec = fromJson(stored, KEYS.spec, fail);
  if (stored[KEYS.training] !== undefined && isBackprop) {
    const training = fromJson(stored, KEYS.training, fail);
    if (typeof training !== 'object' || training === null || Array.isArray(training))
      fail(`'${KEYS.training}' must hold a JSON object`);
    checkTraining(training as TrainingCheckpoint, (message) => fail(`'${KEYS.training}': ${message}`));
    checkpoint.training = training as TrainingCheckpoint;
  }
  if (stored[KEYS.optimizer] !== undefined && isBackprop) {
    checkpoint.optimizer = readOptimizer(fromJson(stored, KEYS.optimizer, fail), optimizerTensors, fail);
  } else if (optimizerTensors.length > 0) {
    const [index, key] = optimizerTensors[0]!;
    fail(
      `the file has optimizer tensors ('optimizer.state.${index}.${key}') but no '${KEYS.optimizer}' metadata: a damaged checkpoint`,
    );
  }

  for (const part of options.require ?? []) {
    if (checkpoint[part] !== undefined) continue;
    if (isBackprop)
      fail(`the checkpoint has no ${part} (it was saved without one); save it with '${part}' to resume from it`);
    fail(
      `the file has no ${part}: it is a plain safetensors file without Backprop metadata ('${KEYS.format}'), ` +
        'e.g. from safetensors.torch.save_file — it holds weights only; load those, or resume from a checkpoint saved by Backprop',
    );
  }
  return checkpoint;
}

function readOptimizer(
  value: unknown,
  tensors: [number, string, Tensor][],
  fail: (message: string) => never,
): OptimizerCheckpoint {
  const where = `'${KEYS.optimizer}'`;
  if (typeof value !== 'object' || value === null) return fail(`${where} must hold { paramGroups, scalars }`);
  const { paramGroups, scalars } = value as { paramGroups?: unknown; scalars?: unknown };
  if (!Array.isArray(paramGroups)) return fail(`${where}: paramGroups must be an array`);
  if (typeof scalars !== 'object' || scalars === null || Array.isArray(scalars))
    return fail(`${where}: scalars must be an object`);
  const state: Record<number, Record<string, Tensor | number>> = {};
  for (const [index, entries] of Object.entries(scalars)) {
    if (!/^(0|[1-9]\d*)$/.test(index) || typeof entries !== 'object' || entries === null) {
      return fail(`${where}: scalars['${clip(index)}'] must be an object under a parameter index`);
    }
    for (const [key, scalar] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof scalar !== 'number')
        return fail(`${where}: scalars['${index}'].${clip(key)} must be a number, got ${excerptJson(scalar)}`);
      setOwn((state[Number(index)] ??= {}), key, scalar);
    }
  }
  for (const [index, key, tensor] of tensors) {
    const entries = (state[index] ??= {});
    if (Object.hasOwn(entries, key))
      return fail(`optimizer state ${index}.${key} is stored both as a tensor and as a number`);
    setOwn(entries, key, tensor);
  }
  return { state, paramGroups: paramGroups as object[] };
}

function checkTraining(training: TrainingCheckpoint, fail: (message: string) => never): void {
  if (typeof training !== 'object' || training === null)
    fail('training must be an object { step?, epoch?, rng?, hyperparameters? }');
  for (const key of ['step', 'epoch'] as const) {
    const value = training[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      fail(`training.${key} must be a non-negative integer, got ${excerptJson(value)}`);
    }
  }
  if (training.rng !== undefined) {
    try {
      new Generator().setState(training.rng);
    } catch (error) {
      fail(`training.rng is not a GeneratorState: ${clip((error as Error).message, 200)}`);
    }
  }
  const hyperparameters = training.hyperparameters;
  const isObject = typeof hyperparameters === 'object' && hyperparameters !== null && !Array.isArray(hyperparameters);
  if (hyperparameters !== undefined && !isObject) fail('training.hyperparameters must be an object');
}

/** JSON.stringify that refuses what JSON would silently change (NaN, Infinity, undefined in arrays, class instances, typed arrays). */
function toJson(value: unknown, where: string, fail: (message: string) => never): string {
  const check = (item: unknown, path: string): void => {
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) fail(`${path} is ${item}, which JSON cannot hold`);
      return;
    }
    if (Array.isArray(item)) {
      item.forEach((element, index) => {
        if (element === undefined) fail(`${path}[${index}] is undefined, which JSON cannot hold`);
        check(element, `${path}[${index}]`);
      });
      return;
    }
    if (typeof item === 'object') {
      const prototype = Object.getPrototypeOf(item);
      if (prototype !== Object.prototype && prototype !== null) {
        fail(
          `${path} is a ${prototype?.constructor?.name ?? 'class instance'}; only plain JSON values can be stored (tensors belong in model or optimizer.state)`,
        );
      }
      for (const [key, element] of Object.entries(item)) if (element !== undefined) check(element, `${path}.${key}`);
      return;
    }
    fail(`${path} is a ${typeof item}, which JSON cannot hold`);
  };
  check(value, where);
  return JSON.stringify(value);
}

function fromJson(metadata: Record<string, string>, key: string, fail: (message: string) => never): unknown {
  try {
    return JSON.parse(metadata[key]!);
  } catch (error) {
    return fail(`metadata '${key}' is not valid JSON (${clip((error as Error).message, 200)})`);
  }
}

function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
