// Reads a JSON model spec into validated plain layer descriptions, naming the path of any bad
// field; allocates no tensors (so a spec can be sized before it is built). Imports no modules.
import { MAX_TENSOR_RANK } from '../kernels/element-limit.js';
import { excerptJson } from '../tensor/describe.js';
import type { Conv2dPaddingMode } from '../tensor/conv2d.js';

/** How deeply `sequential` specs may nest; deeper is taken as hostile, not a model. */
export const MAX_SPEC_DEPTH = 64;

/** A spec layer after validation: every field present, defaults filled in. */
export type ReadLayer =
  | { type: 'sequential'; layers: ReadLayer[] }
  | { type: 'linear'; in: number; out: number; bias: boolean }
  | {
      type: 'conv2d';
      in: number;
      out: number;
      kernel: [number, number];
      stride: [number, number];
      padding: [number, number] | 'same' | 'valid';
      dilation: [number, number];
      groups: number;
      paddingMode: Conv2dPaddingMode;
      bias: boolean;
    }
  | {
      type: 'maxPool2d';
      kernel: [number, number];
      stride: [number, number];
      padding: [number, number];
      ceilMode: boolean;
      dilation: [number, number];
    }
  | {
      type: 'avgPool2d';
      kernel: [number, number];
      stride: [number, number];
      padding: [number, number];
      ceilMode: boolean;
      countIncludePad: boolean;
    }
  | { type: 'adaptiveAvgPool2d'; output: [number, number] }
  | { type: 'embedding'; embeddings: number; dim: number; paddingIdx: number | undefined }
  | { type: 'flatten'; startAxis: number; endAxis: number }
  | { type: 'dropout'; p: number }
  | {
      type: 'batchNorm1d' | 'batchNorm2d';
      features: number;
      eps: number;
      momentum: number | null;
      affine: boolean;
      trackRunningStats: boolean;
    }
  | { type: 'layerNorm'; shape: number[]; eps: number; elementwiseAffine: boolean }
  | { type: 'leakyRelu'; slope: number }
  | { type: 'softmax' | 'logSoftmax'; axis: number }
  | { type: 'relu' | 'sigmoid' | 'tanh' | 'gelu' | 'softplus' | 'silu' };

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
    // NOTE(excerpt): the value comes from a file; quoted, it is cut to a fixed length.
    const value = Object.hasOwn(this.fields, name) ? excerptJson(this.fields[name]) : 'nothing';
    throw new Error(`${this.#at(name)}: expected ${expected}, got ${value}`);
  }

  #read(name: string): unknown {
    this.#seen.add(name);
    return Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
  }

  integer(name: string, minimum: number, fallback?: number): number {
    const value = this.#read(name);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
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

  /** A size per spatial axis: a positive (or, with minimum 0, non-negative) integer or a pair of them. */
  pair(name: string, minimum: number, fallback?: [number, number]): [number, number] {
    const value = this.#read(name);
    if (value === undefined && fallback !== undefined) return fallback;
    const ok = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= minimum;
    if (ok(value)) return [value as number, value as number];
    if (Array.isArray(value) && value.length === 2 && value.every(ok)) return [value[0], value[1]];
    return this.fail(name, `an integer ≥ ${minimum} or a pair [height, width] of them`);
  }

  /** Marks a field read whose value is null (e.g. BatchNorm's `momentum: null`). */
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
    const fits = Array.isArray(value) && value.length > 0 && value.length <= MAX_TENSOR_RANK;
    if (!fits || !value.every((v) => Number.isSafeInteger(v) && v >= 1)) {
      this.fail(name, `a non-empty list of at most ${MAX_TENSOR_RANK} positive integers`);
    }
    return value as number[];
  }

  /** Rejects fields no reader asked for: a typo should not pass silently. */
  finish(): void {
    const unknown = Object.keys(this.fields).find((name) => !this.#seen.has(name));
    if (unknown !== undefined) {
      const at = this.#at(unknown.length <= 80 ? unknown : `${unknown.slice(0, 80)}…`);
      throw new Error(
        `${at}: unknown field for type "${String(this.fields.type)}" (known: ${[...this.#seen].join(', ')})`,
      );
    }
  }
}

const LAYER_TYPES = [
  'sequential',
  'linear',
  'conv2d',
  'maxPool2d',
  'avgPool2d',
  'adaptiveAvgPool2d',
  'embedding',
  'flatten',
  'dropout',
  'batchNorm1d',
  'batchNorm2d',
  'layerNorm',
  'relu',
  'leakyRelu',
  'sigmoid',
  'tanh',
  'gelu',
  'softplus',
  'silu',
  'softmax',
  'logSoftmax',
];

/**
 * Validates a JSON model spec without building it: every field checked, its path named in any
 * error (`layers[5].out: expected a positive integer, got "ten"`), nesting bounded by
 * {@link MAX_SPEC_DEPTH}.
 *
 * @example
 * ```ts
 * readSpec({ type: 'linear', in: 2, out: 1 }); // { type: 'linear', in: 2, out: 1, bias: true }
 * ```
 */
export function readSpec(spec: unknown, path = '', depth = 0): ReadLayer {
  const where = path === '' ? 'model spec' : path;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new Error(`${where}: expected an object with a "type", got ${excerptJson(spec)}`);
  }
  const fields = spec as Record<string, unknown>;
  const read = new FieldReader(fields, path);
  const type = Object.hasOwn(fields, 'type') ? fields.type : undefined;
  if (typeof type !== 'string' || !LAYER_TYPES.includes(type)) read.fail('type', `one of ${LAYER_TYPES.join(', ')}`);
  if (type === 'sequential' && depth >= MAX_SPEC_DEPTH) {
    throw new Error(
      `${where}: sequential specs nest deeper than ${MAX_SPEC_DEPTH} levels (MAX_SPEC_DEPTH); a model spec this deep is not supported`,
    );
  }
  const layer = readLayer(type as string, read, depth);
  read.finish();
  return layer;
}

function readLayer(type: string, read: FieldReader, depth: number): ReadLayer {
  const probability = (v: number) => v >= 0 && v <= 1;
  const positive = (v: number) => v > 0 && Number.isFinite(v);
  switch (type) {
    case 'sequential': {
      const prefix = read.path === '' ? 'layers' : `${read.path}.layers`;
      return { type, layers: read.list('layers').map((layer, i) => readSpec(layer, `${prefix}[${i}]`, depth + 1)) };
    }
    case 'linear':
      return { type, in: read.integer('in', 1), out: read.integer('out', 1), bias: read.boolean('bias', true) };
    case 'conv2d':
      return {
        type,
        in: read.integer('in', 1),
        out: read.integer('out', 1),
        kernel: read.pair('kernel', 1),
        stride: read.pair('stride', 1, [1, 1]),
        padding:
          typeof read.fields.padding === 'string'
            ? read.choice<'same' | 'valid'>('padding', ['same', 'valid'], 'valid')
            : read.pair('padding', 0, [0, 0]),
        dilation: read.pair('dilation', 1, [1, 1]),
        groups: read.integer('groups', 1, 1),
        paddingMode: read.choice<Conv2dPaddingMode>(
          'paddingMode',
          ['zeros', 'reflect', 'replicate', 'circular'],
          'zeros',
        ),
        bias: read.boolean('bias', true),
      };
    case 'maxPool2d': {
      const kernel = read.pair('kernel', 1);
      const common = {
        kernel,
        stride: read.pair('stride', 1, kernel),
        padding: read.pair('padding', 0, [0, 0]),
        ceilMode: read.boolean('ceilMode', false),
      };
      return { type, ...common, dilation: read.pair('dilation', 1, [1, 1]) };
    }
    case 'avgPool2d': {
      const kernel = read.pair('kernel', 1);
      const common = {
        kernel,
        stride: read.pair('stride', 1, kernel),
        padding: read.pair('padding', 0, [0, 0]),
        ceilMode: read.boolean('ceilMode', false),
      };
      return { type, ...common, countIncludePad: read.boolean('countIncludePad', true) };
    }
    case 'adaptiveAvgPool2d':
      return { type, output: read.pair('output', 1) };
    case 'embedding': {
      const embeddings = read.integer('embeddings', 1);
      const dim = read.integer('dim', 1);
      const paddingIdx = read.fields.paddingIdx === undefined ? undefined : read.integer('paddingIdx', 0);
      if (paddingIdx !== undefined && paddingIdx >= embeddings)
        read.fail('paddingIdx', `an integer in [0, ${embeddings - 1}]`);
      return { type, embeddings, dim, paddingIdx };
    }
    case 'flatten':
      return { type, startAxis: read.integer('startAxis', -64, 1), endAxis: read.integer('endAxis', -64, -1) };
    case 'dropout':
      return { type, p: read.number('p', probability, 'a probability in [0, 1]') };
    case 'batchNorm1d':
    case 'batchNorm2d': {
      const eps = read.number('eps', positive, 'a positive number', 1e-5);
      const momentum =
        read.fields.momentum === null
          ? read.nullValue('momentum')
          : read.number('momentum', probability, 'a number in [0, 1] or null', 0.1);
      const affine = read.boolean('affine', true);
      const trackRunningStats = read.boolean('trackRunningStats', true);
      return { type, eps, momentum, affine, trackRunningStats, features: read.integer('features', 1) };
    }
    case 'layerNorm':
      return {
        type,
        shape: read.integerList('shape'),
        eps: read.number('eps', positive, 'a positive number', 1e-5),
        elementwiseAffine: read.boolean('elementwiseAffine', true),
      };
    case 'leakyRelu':
      return { type, slope: read.number('slope', Number.isFinite, 'a finite number', 0.01) };
    case 'softmax':
    case 'logSoftmax':
      return { type, axis: read.integer('axis', -64, -1) };
    default:
      return { type: type as 'relu' };
  }
}
