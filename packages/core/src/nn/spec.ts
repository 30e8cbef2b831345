// buildModel: a JSON model spec → modules, validating every field with its path.
// Imports the layer modules; nothing imports this but the package index.
import type { Generator } from '../random/generator.js';
import type { Conv2dPaddingMode } from '../tensor/functional.js';
import { GELU, Flatten, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh } from './activations.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';
import type { ModelSpec } from './spec-types.js';

/** Options of `buildModel`. */
export interface BuildModelOptions {
  /** Source of initial weights and dropout masks (default: the global generator). */
  generator?: Generator;
}

/** Reads the fields of one spec object, naming the path of any bad one. */
class FieldReader {
  readonly #seen = new Set<string>(['type']);

  constructor(
    readonly fields: Record<string, unknown>,
    readonly path: string,
  ) {}

  #at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  fail(name: string, expected: string): never {
    throw new Error(`${this.#at(name)}: expected ${expected}, got ${JSON.stringify(this.fields[name]) ?? 'nothing'}`);
  }

  #read(name: string): unknown {
    this.#seen.add(name);
    return this.fields[name];
  }

  integer(name: string, minimum: number, fallback?: number): number {
    const value = this.#read(name);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
      this.fail(name, minimum === 1 ? 'a positive integer' : `an integer ≥ ${minimum}`);
    }
    return value;
  }

  number(name: string, check: (value: number) => boolean, description: string, fallback?: number): number {
    const value = this.#read(name);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !check(value)) this.fail(name, description);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.#read(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(name, 'true or false');
    return value;
  }

  /** A size per spatial axis: a positive (or, with minimum 0, non-negative) integer or a pair of them; required without a fallback. */
  pair(name: string, minimum: number, fallback?: [number, number]): [number, number] {
    const value = this.#read(name);
    if (value === undefined && fallback !== undefined) return fallback;
    const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= minimum;
    if (ok(value)) return [value as number, value as number];
    if (Array.isArray(value) && value.length === 2 && value.every(ok)) return [value[0], value[1]];
    return this.fail(name, `an integer ≥ ${minimum} or a pair [height, width] of them`);
  }

  /** A field whose value is null (marks it read). */
  nullValue(name: string): null {
    this.#read(name);
    return null;
  }

  /** One of the listed strings. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.#read(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) this.fail(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return value as T;
  }

  /** A list, whose items the caller validates. */
  list(name: string): unknown[] {
    const value = this.#read(name);
    if (!Array.isArray(value)) this.fail(name, 'a list of layer specs');
    return value;
  }

  integerList(name: string): number[] {
    const value = this.#read(name);
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Number.isInteger(v) && v >= 1)) {
      this.fail(name, 'a non-empty list of positive integers');
    }
    return value as number[];
  }

  /** Rejects fields no reader asked for: a typo should not pass silently. */
  finish(): void {
    const unknown = Object.keys(this.fields).filter((name) => !this.#seen.has(name));
    if (unknown.length > 0) {
      throw new Error(`${this.#at(unknown[0]!)}: unknown field for type "${String(this.fields.type)}" (known: ${[...this.#seen].join(', ')})`);
    }
  }
}

const LAYER_TYPES = [
  'sequential', 'linear', 'conv2d', 'maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'embedding', 'flatten', 'dropout', 'batchNorm1d', 'batchNorm2d',
  'layerNorm', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'softplus', 'silu', 'softmax', 'logSoftmax',
];

function build(spec: unknown, path: string, generator: Generator | undefined): Module {
  const where = path === '' ? 'model spec' : path;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new Error(`${where}: expected an object with a "type", got ${JSON.stringify(spec)}`);
  }
  const fields = spec as Record<string, unknown>;
  const read = new FieldReader(fields, path);
  if (typeof fields.type !== 'string' || !LAYER_TYPES.includes(fields.type)) {
    read.fail('type', `one of ${LAYER_TYPES.join(', ')}`);
  }
  const module = buildLayer(fields.type as string, read, generator);
  read.finish();
  return module;
}

function buildLayer(type: string, read: FieldReader, generator: Generator | undefined): Module {
  const probability = (v: number) => v >= 0 && v <= 1;
  const positive = (v: number) => v > 0 && Number.isFinite(v);
  switch (type) {
    case 'sequential': {
      const prefix = read.path === '' ? 'layers' : `${read.path}.layers`;
      const modules = read.list('layers').map((layer, i) => build(layer, `${prefix}[${i}]`, generator));
      return new Sequential(...modules);
    }
    case 'linear':
      return new Linear(read.integer('in', 1), read.integer('out', 1), { bias: read.boolean('bias', true), generator });
    case 'conv2d':
      return new Conv2d(read.integer('in', 1), read.integer('out', 1), read.pair('kernel', 1), {
        stride: read.pair('stride', 1, [1, 1]),
        padding: typeof read.fields.padding === 'string' ? read.choice<'same' | 'valid'>('padding', ['same', 'valid'], 'valid') : read.pair('padding', 0, [0, 0]),
        dilation: read.pair('dilation', 1, [1, 1]),
        groups: read.integer('groups', 1, 1),
        paddingMode: read.choice<Conv2dPaddingMode>('paddingMode', ['zeros', 'reflect', 'replicate', 'circular'], 'zeros'),
        bias: read.boolean('bias', true),
        generator,
      });
    case 'maxPool2d':
    case 'avgPool2d': {
      const kernel = read.pair('kernel', 1);
      const options = { stride: read.pair('stride', 1, kernel), padding: read.pair('padding', 0, [0, 0]), ceilMode: read.boolean('ceilMode', false) };
      return type === 'maxPool2d'
        ? new MaxPool2d(kernel, { ...options, dilation: read.pair('dilation', 1, [1, 1]) })
        : new AvgPool2d(kernel, { ...options, countIncludePad: read.boolean('countIncludePad', true) });
    }
    case 'embedding': {
      const embeddings = read.integer('embeddings', 1);
      const dim = read.integer('dim', 1);
      const paddingIdx = read.fields.paddingIdx === undefined ? undefined : read.integer('paddingIdx', 0);
      if (paddingIdx !== undefined && paddingIdx >= embeddings) read.fail('paddingIdx', `an integer in [0, ${embeddings - 1}]`);
      return new Embedding(embeddings, dim, { paddingIdx, generator });
    }
    case 'adaptiveAvgPool2d':
      return new AdaptiveAvgPool2d(read.pair('output', 1));
    case 'flatten':
      return new Flatten(read.integer('startAxis', -64, 1), read.integer('endAxis', -64, -1));
    case 'dropout':
      return new Dropout(read.number('p', probability, 'a probability in [0, 1]'), { generator });
    case 'batchNorm1d':
    case 'batchNorm2d': {
      const options = {
        eps: read.number('eps', positive, 'a positive number', 1e-5),
        momentum: read.fields.momentum === null ? read.nullValue('momentum') : read.number('momentum', probability, 'a number in [0, 1] or null', 0.1),
        affine: read.boolean('affine', true),
        trackRunningStats: read.boolean('trackRunningStats', true),
      };
      const features = read.integer('features', 1);
      return type === 'batchNorm1d' ? new BatchNorm1d(features, options) : new BatchNorm2d(features, options);
    }
    case 'layerNorm':
      return new LayerNorm(read.integerList('shape'), {
        eps: read.number('eps', positive, 'a positive number', 1e-5),
        elementwiseAffine: read.boolean('elementwiseAffine', true),
      });
    case 'leakyRelu':
      return new LeakyReLU(read.number('slope', Number.isFinite, 'a finite number', 0.01));
    case 'softmax':
      return new Softmax(read.integer('axis', -64, -1));
    case 'logSoftmax':
      return new LogSoftmax(read.integer('axis', -64, -1));
    case 'relu':
      return new ReLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'gelu':
      return new GELU();
    case 'softplus':
      return new Softplus();
    default:
      return new SiLU();
  }
}

/**
 * Builds the modules a JSON spec describes; `model.toSpec()` gives the spec back. Every field
 * is checked and an error names its path (`layers[2].out: expected a positive integer, got "ten"`).
 *
 * @example
 * ```ts
 * const model = buildModel({ type: 'sequential', layers: [
 *   { type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 },
 * ] });
 * ```
 */
export function buildModel(spec: ModelSpec | unknown, options: BuildModelOptions = {}): Module {
  return build(spec, '', options.generator);
}
