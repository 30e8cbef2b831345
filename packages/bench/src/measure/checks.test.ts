import { describe, expect, it } from 'vitest';
import { checkLossFalls } from './check-loss.js';
import { checkProduct } from './matmul.js';

describe('checkProduct', () => {
  const shape = { m: 3, k: 2, n: 4 };
  const a = Float32Array.of(1, 2, 3, 4, 5, 6);
  const b = Float32Array.of(1, 0, -1, 2, 0, 1, 1, -2);
  const product = Float32Array.of(1, 2, 1, -2, 3, 4, 1, -2, 5, 6, 1, -2);

  it('accepts the right product', () => {
    expect(() => checkProduct(a, b, product, shape)).not.toThrow();
  });

  it('refuses a wrong or misshapen product, naming the shape', () => {
    const wrong = product.slice();
    wrong[5] += 0.5;
    expect(() => checkProduct(a, b, wrong, shape)).toThrow(
      'matmul 3×2×4: the product differs from the float64 reference by 0.5',
    );
    expect(() => checkProduct(a, b, product.subarray(1), shape)).toThrow(
      'matmul 3×2×4: the product has 11 values, expected 12',
    );
  });
});

describe('checkLossFalls', () => {
  it('passes a falling loss and refuses a flat, rising or non-finite one', () => {
    expect(() => checkLossFalls([2.3, 2.5, 1.1], 'mlp')).not.toThrow();
    expect(() => checkLossFalls([2.3, 2.3], 'mlp')).toThrow(
      'mlp: the loss did not fall: 2.3 at the first step, 2.3 at the last',
    );
    expect(() => checkLossFalls([2.3, Number.NaN, 1], 'mlp')).toThrow('mlp: the loss is not finite');
    expect(() => checkLossFalls([2.3], 'mlp')).toThrow('need at least two steps');
  });
});
