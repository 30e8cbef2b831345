// Tensor factories: from arrays, constants, ranges, identity, and seeded random values.
// Imports the Tensor class and random/ (generator, global-generator); nothing above the tensor layer.
import { checkElements, MAX_TENSOR_RANK } from '../kernels/element-limit.js';
import { formatShape, sizeOf } from '../kernels/shape.js';
import { describeType } from './describe.js';
import type { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { Tensor, type NestedArray } from './tensor.js';

/** Options every factory accepts. */
export interface TensorOptions {
  requiresGrad?: boolean;
}

/** Options of the random factories: `generator` defaults to the global one (see `manualSeed`). */
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** Values `tensor()` accepts: a number, nested arrays of numbers, or a flat typed/plain array with a shape. */
export type TensorData = NestedArray | ArrayLike<number>;

/** Shape and flat values of nested arrays; throws on ragged rows, non-numbers, cycles and excess depth. */
function flattenNested(values: NestedArray): { shape: number[]; flat: number[] } {
  // NOTE(nesting): the shape is read down the first elements, so a cyclic array (`v[0] = v`)
  // would make it endless; the rank is bounded (MAX_TENSOR_RANK) and a repeat named, before any
  // recursion or allocation.
  const shape: number[] = [];
  const seen = new Set<unknown>();
  for (let level: NestedArray = values; Array.isArray(level); level = level[0]!) {
    if (seen.has(level))
      throw new Error(`tensor: nested array contains itself at depth ${shape.length} (a cyclic array is not a tensor)`);
    if (shape.length === MAX_TENSOR_RANK) {
      throw new Error(
        `tensor: nested array is deeper than ${MAX_TENSOR_RANK} levels, the most axes a tensor may have (MAX_TENSOR_RANK)`,
      );
    }
    seen.add(level);
    shape.push(level.length);
    if (level.length === 0) break;
  }
  checkElements('tensor', shape, 'nested array of shape');
  const flat: number[] = [];
  const walk = (value: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof value !== 'number')
        throw new Error(
          `tensor: expected a number at ${path}, got ${Array.isArray(value) ? 'an array' : typeof value}`,
        );
      flat.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      throw new Error(
        `tensor: ragged nested array: ${path} has ${Array.isArray(value) ? `length ${value.length}` : typeof value}, expected length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < value.length; i++) walk(value[i]!, depth + 1, `${path}[${i}]`);
  };
  walk(values, 0, 'values');
  return { shape, flat };
}

/** Float32-convertible flat values: typed arrays of numbers (not BigInt64Array/BigUint64Array, not DataView). */
function isNumericTypedArray(values: unknown): values is ArrayLike<number> {
  return (
    ArrayBuffer.isView(values) &&
    !(values instanceof DataView) &&
    !(values instanceof BigInt64Array) &&
    !(values instanceof BigUint64Array)
  );
}

/**
 * A tensor from a number, nested arrays, or a flat array plus `shape` (copied to float32).
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);                 // shape [2, 2]
 * tensor(new Float32Array(6), [2, 3]);      // flat values with a shape
 * tensor([0.5, -1], { requiresGrad: true }); // a leaf that collects gradients
 * ```
 */
export function tensor(
  values: TensorData,
  shapeOrOptions?: readonly number[] | TensorOptions,
  options: TensorOptions = {},
): Tensor {
  const shape = Array.isArray(shapeOrOptions) ? (shapeOrOptions as readonly number[]) : undefined;
  if (
    shapeOrOptions !== undefined &&
    shape === undefined &&
    (typeof shapeOrOptions !== 'object' || shapeOrOptions === null)
  ) {
    throw new TypeError(
      `tensor: second argument must be a shape (array of lengths) or options { requiresGrad }, got ${describeType(shapeOrOptions)}`,
    );
  }
  const { requiresGrad = false } =
    shape === undefined && shapeOrOptions !== undefined ? (shapeOrOptions as TensorOptions) : options;
  // Numbers and nested arrays give their own shape; a flat typed array is one row. An explicit
  // shape then reshapes the values, which must fill it exactly.
  const nested = typeof values === 'number' || Array.isArray(values) ? flattenNested(values as NestedArray) : undefined;
  if (nested === undefined && !isNumericTypedArray(values)) {
    throw new TypeError(
      `tensor: values must be a number, nested arrays of numbers, or a numeric typed array (e.g. Float32Array), got ${describeType(values)}`,
    );
  }
  const flat: ArrayLike<number> = nested?.flat ?? (values as ArrayLike<number>);
  const target = shape ?? nested?.shape ?? [flat.length];
  checkElements('tensor', target);
  if (sizeOf(target) !== flat.length) {
    throw new Error(
      `tensor: ${flat.length} values do not fill shape ${formatShape(target)} (${sizeOf(target)} needed)`,
    );
  }
  return new Tensor(Float32Array.from(flat), target, requiresGrad);
}

/** A tensor of `shape` filled with `value`. @example `full([2, 2], 7)` */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  if (typeof value !== 'number') throw new TypeError(`full: value must be a number, got ${describeType(value)}`);
  checkElements('full', shape);
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options.requiresGrad);
}

/** Zeros of `shape`. @example `zeros([3, 4])` */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** Ones of `shape`. @example `ones([3])` */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros shaped like `x`. */
export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(x.shape, options);
}

/** Ones shaped like `x`. */
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return ones(x.shape, options);
}

/**
 * start, start + step, … up to but excluding end (like torch.arange); `arange(n)` is 0…n−1.
 *
 * @example `arange(5)` → [0, 1, 2, 3, 4]; `arange(1, 2, 0.25)` → [1, 1.25, 1.5, 1.75]
 */
export function arange(startOrEnd: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  if (step === 0 || !Number.isFinite(step))
    throw new Error(`arange: step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop))
    throw new Error(`arange: start and end must be finite numbers, got ${start} and ${stop}`);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  checkElements('arange', [count]);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  return new Tensor(data, [count], options.requiresGrad);
}

/** `count` evenly spaced values from start to end, both included. @example `linspace(0, 1, 5)` */
export function linspace(start: number, end: number, count: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`linspace: count must be a non-negative integer, got ${count}`);
  checkElements('linspace', [count]);
  const data = new Float32Array(count);
  const step = count > 1 ? (end - start) / (count - 1) : 0;
  for (let i = 0; i < count; i++) data[i] = i === count - 1 ? end : start + i * step;
  return new Tensor(data, [count], options.requiresGrad);
}

/** Identity matrix n × m (m defaults to n). @example `eye(3)` */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  checkElements('eye', [n, m]);
  const out = zeros([n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

function randomTensor(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (generator: Generator) => number,
): Tensor {
  checkElements(op, shape);
  const generator = options.generator ?? globalGenerator();
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw(generator);
  return new Tensor(data, shape, options.requiresGrad);
}

/** Uniform values in [0, 1). @example `rand([2, 3], { generator: new Generator(42) })` */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (generator) => generator.nextFloat());
}

/** Standard normal values (mean 0, std 1). @example `manualSeed(0); randn([4])` */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (generator) => generator.normal());
}

/** Uniform integers in [low, high). @example `randint(0, 10, [5])` */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high) {
    throw new Error(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  return randomTensor('randint', shape, options, (generator) => generator.int(low, high));
}
