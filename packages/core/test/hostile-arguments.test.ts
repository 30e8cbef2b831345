// Hostile and mistyped arguments to the tensor API (issue 19: 6, 11, 17, 18): cyclic and deep
// nesting, shapes over the element limit or not integers, wrong JS types, wrongly shaped grads.
import { afterEach, describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  arange,
  buildModel,
  concat,
  conv2d,
  eye,
  full,
  linear,
  linspace,
  matmul,
  maxPool2d,
  maxTensorElements,
  ones,
  rand,
  randn,
  setMaxTensorElements,
  tensor,
  Tensor,
  zeros,
  type NestedArray,
} from '../src/index.js';

const LIMIT_HINT =
  'over the limit of 268,435,456 (maxTensorElements); raise it with setMaxTensorElements(n) if the input is trusted';

describe('tensor() shape inference (6)', () => {
  it('names a cyclic array instead of crashing the process', () => {
    const cyclic: NestedArray[] = [1];
    cyclic[0] = cyclic;
    expect(() => tensor(cyclic)).toThrow(
      'tensor: nested array contains itself at depth 1 (a cyclic array is not a tensor)',
    );
    const pair: NestedArray[] = [[], []];
    (pair[0] as NestedArray[]).push(pair);
    expect(() => tensor(pair)).toThrow('contains itself at depth 2');
  });

  it('refuses nesting deeper than MAX_TENSOR_RANK (64) before walking it', () => {
    let deep: NestedArray = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => tensor(deep)).toThrow(
      'tensor: nested array is deeper than 64 levels, the most axes a tensor may have (MAX_TENSOR_RANK)',
    );
    let ok: NestedArray = 1;
    for (let i = 0; i < 64; i++) ok = [ok];
    expect(tensor(ok).ndim).toBe(64);
  });

  it('names ragged rows and non-numbers', () => {
    expect(() => tensor([[1, 2], 3] as NestedArray)).toThrow(
      'tensor: ragged nested array: values[1] has number, expected length 2',
    );
    expect(() => tensor([1, '2'] as unknown as NestedArray)).toThrow(
      'tensor: expected a number at values[1], got string',
    );
  });
});

describe('the tensor element limit (11)', () => {
  afterEach(() => setMaxTensorElements(2 ** 28));

  it('refuses factories over the limit before allocating, naming op, shape, limit and setting', () => {
    expect(maxTensorElements()).toBe(2 ** 28);
    expect(() => zeros([2 ** 31])).toThrow(`full: shape [2147483648] has 2,147,483,648 elements, ${LIMIT_HINT}`);
    expect(() => ones([2 ** 16, 2 ** 16])).toThrow(
      `full: shape [65536,65536] has 4,294,967,296 elements, ${LIMIT_HINT}`,
    );
    expect(() => randn([1e5, 1e5])).toThrow(`randn: shape [100000,100000] has 10,000,000,000 elements, ${LIMIT_HINT}`);
    expect(() => rand([2 ** 40])).toThrow('rand: shape [1099511627776]');
    expect(() => eye(1e5)).toThrow(`eye: shape [100000,100000] has 10,000,000,000 elements, ${LIMIT_HINT}`);
    expect(() => arange(1e12)).toThrow(`arange: shape [1000000000000] has 1,000,000,000,000 elements, ${LIMIT_HINT}`);
    expect(() => linspace(0, 1, 2 ** 33)).toThrow('linspace: shape [8589934592]');
    expect(zeros([2 ** 40, 0]).size).toBe(0); // a zero length makes an empty tensor, whatever the others
  });

  it('refuses ops whose output shape is over the limit: pad, broadcast, matmul, expand, conv, pooling, linear', () => {
    const x = zeros([1, 1]);
    expect(() => x.pad([0, 1e9 - 1, 0, 1e9 - 1])).toThrow(
      `pad: output shape [1000000000,1000000000] has 1e+18`.slice(0, 40),
    );
    expect(() => x.pad([0, 1e9 - 1, 0, 1e9 - 1])).toThrow(LIMIT_HINT);
    const column = zeros([100_000, 1]);
    const row = zeros([1, 100_000]);
    expect(() => column.add(row)).toThrow(
      `add: broadcast shape [100000,100000] has 10,000,000,000 elements, ${LIMIT_HINT}`,
    );
    expect(() => column.lt(row)).toThrow('lt: broadcast shape [100000,100000]');
    expect(() => column.where(row, 0)).toThrow('where: broadcast shape [100000,100000]');
    expect(() => matmul(column, row)).toThrow(
      `matmul: output shape [100000,100000] has 10,000,000,000 elements, ${LIMIT_HINT}`,
    );
    expect(() => column.expand([100_000, 100_000])).toThrow('expand: target shape [100000,100000]');
    expect(() => linear(column, zeros([100_000, 1]))).toThrow('linear: output shape [100000,100000]');
    const image = zeros([1, 1, 2, 2]);
    expect(() => conv2d(image, zeros([1, 1, 1, 1]), { padding: 50_000 })).toThrow(
      'conv2d: output shape [1,1,100002,100002]',
    );
    expect(() => conv2d(image, zeros([1, 1, 1, 1]), { padding: 50_000, stride: 100_000 })).toThrow(
      'conv2d: padded image shape [1,100002,100002] has 10,000,400,004 elements',
    );
    expect(() => maxPool2d(image, 1, { padding: 0, stride: 1 })).not.toThrow();
  });

  it('checks the shapes of the remaining ops under a lowered limit (no large allocation needed)', () => {
    setMaxTensorElements(1000);
    expect(() => zeros([1, 1]).indexSelect(0, new Int32Array(1001))).toThrow(
      'indexSelect: output shape [1001,1] has 1,001 elements, over the limit of 1,000',
    );
    expect(() => concat([zeros([600]), zeros([401])])).toThrow('concat: output shape [1001]');
    // padding may be at most half the kernel (PyTorch's rule): kernel 2, padding 1, stride 1 grows 31×31 to 32×32
    expect(() => maxPool2d(zeros([1, 1, 31, 31]), 2, { padding: 1, stride: 1 })).toThrow(
      'maxPool2d: output shape [1,1,32,32] has 1,024 elements',
    );
    expect(() => conv2d(zeros([1, 1, 20, 20]), zeros([1, 1, 1, 1]), { padding: 6 })).toThrow(
      'conv2d: output shape [1,1,32,32] has 1,024 elements',
    );
    expect(concat([zeros([600]), zeros([400])]).size).toBe(1000);
  });

  it('is one setting: raised, the same shape passes; lowered, small shapes fail', () => {
    expect(setMaxTensorElements(10)).toBe(2 ** 28);
    expect(() => zeros([11])).toThrow('full: shape [11] has 11 elements, over the limit of 10 (maxTensorElements)');
    expect(() => zeros([5]).add(zeros([2, 1]))).not.toThrow();
    expect(() => zeros([5]).add(zeros([3, 1]))).toThrow(
      'add: broadcast shape [3,5] has 15 elements, over the limit of 10',
    );
    expect(() => setMaxTensorElements(2 ** 33)).toThrow(
      'setMaxTensorElements: limit must be an integer in [1, 2^32 = 4294967296], got 8589934592',
    );
    expect(() => setMaxTensorElements(Number.NaN)).toThrow('got NaN');
    expect(maxTensorElements()).toBe(10);
  });

  it('refuses non-integer, negative, NaN and non-number lengths', () => {
    expect(() => zeros([2.5])).toThrow('full: shape [2.5] must hold non-negative integers, got 2.5 (number)');
    expect(() => zeros([-1])).toThrow('full: shape [-1] must hold non-negative integers, got -1 (number)');
    expect(() => zeros([Number.NaN])).toThrow('got NaN (number)');
    expect(() => zeros([Infinity])).toThrow('got Infinity (number)');
    expect(() => zeros(['3'] as unknown as number[])).toThrow(
      'full: shape [3] must hold non-negative integers, got 3 (string)',
    );
    expect(() => zeros(5 as unknown as number[])).toThrow(
      'full: shape must be an array of lengths, e.g. [2, 3], got number',
    );
    expect(() => zeros(new Array(65).fill(1))).toThrow(
      'full: shape has 65 axes, more than the 64 a tensor may have (MAX_TENSOR_RANK)',
    );
    expect(() => arange(Number.NaN)).toThrow('arange: start and end must be finite numbers, got 0 and NaN');
  });
});

describe('wrong JS types at public entry points (17)', () => {
  it('names the op, what was given and what is accepted', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.add([1, 2, 3] as never)).toThrow(
      'add: expected a Tensor or a number, got an array; wrap arrays with tensor(...)',
    );
    expect(() => x.mul('2' as never)).toThrow('mul: expected a Tensor or a number, got string');
    expect(() => x.gt(null as never)).toThrow('gt: expected a Tensor or a number, got null');
    expect(() => tensor('123' as never)).toThrow(
      'tensor: values must be a number, nested arrays of numbers, or a numeric typed array (e.g. Float32Array), got string',
    );
    expect(() => tensor(new Map() as never)).toThrow('got Map');
    expect(() => tensor(BigInt64Array.of(1n) as never)).toThrow('got BigInt64Array');
    expect(() => tensor([1], 'x' as never)).toThrow(
      'tensor: second argument must be a shape (array of lengths) or options { requiresGrad }, got string',
    );
    expect(() => x.matmul(5 as never)).toThrow('matmul: expected a Tensor, got number');
    expect(() => matmul(5 as never, x)).toThrow('matmul: the first operand must be a Tensor, got number');
    expect(() => linear(x, [[1]] as never)).toThrow('linear: weight must be a Tensor, got an array');
    expect(() => concat([x, 1 as never])).toThrow('concat: tensors[1] must be a Tensor, got number');
    expect(() => x.reshape(3 as never)).toThrow(
      'reshape: the new shape must be an array of lengths, e.g. [2, -1], got number',
    );
    expect(() => full([2], '1' as never)).toThrow('full: value must be a number, got string');
    for (const error of [() => x.add([1] as never), () => x.matmul(5 as never), () => tensor('1' as never)]) {
      expect(error).toThrow(TypeError);
    }
  });

  it('backward refuses a gradient that is not a tensor or number instead of giving NaN gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward('x' as never)).toThrow('backward: expected a Tensor or a number, got string');
    expect(x.grad).toBeNull();
    y.backward(tensor([1, 1]));
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });
});

describe('gradient shapes (18)', () => {
  it('refuses a .grad of another shape when it is assigned, naming both shapes', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => (x.grad = zeros([1]))).toThrow('grad: a gradient of shape [1] cannot belong to a tensor of shape [3]');
    expect(() => (x.grad = [0, 0, 0] as never)).toThrow('grad: expected a Tensor or null, got an array');
    expect(x.grad).toBeNull();
    x.grad = zeros([3]);
    x.mul(2).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2, 2]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it('the engine refuses a gradient whose length does not fit the tensor', () => {
    const x = new Tensor(new Float32Array(3), [3], true);
    expect(() => x.accumulateGrad(new Float32Array(1))).toThrow(
      'accumulateGrad: a gradient of 1 values cannot belong to a tensor of shape [3]',
    );
  });
});

describe('hostile specs found in review', () => {
  it('counts BatchNorm running statistics against maxParameters (affine: false has no parameters but 2 × features buffer values)', () => {
    expect(() => buildModel({ type: 'batchNorm1d', features: 60_000_000, affine: false })).toThrow(
      'buildModel: the spec has 120,000,000 parameters and buffer values, over the limit of 100,000,000',
    );
  });

  it('adaptiveAvgPool2d checks its output against the element limit before allocating', () => {
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 2, 2]), [30_000, 30_000])).toThrow(
      'adaptiveAvgPool2d: output shape [1,1,30000,30000] has 900,000,000 elements',
    );
    expect(() => adaptiveAvgPool2d('x' as unknown as Tensor, 1)).toThrow(TypeError);
  });
});
