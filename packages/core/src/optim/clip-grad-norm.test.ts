// clipGradNorm: the joint norm (2, 1, p, inf), PyTorch's clip coefficient, skipped parameters, NaN.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { clipGradNorm } from './clip-grad-norm.js';

/** Parameters whose gradients are [3, 4] and [[12]]: joint 2-norm 13, 1-norm 19, inf-norm 12. */
function withGradients(): Tensor[] {
  const a = new Tensor(new Float32Array(2), [2], true);
  const b = new Tensor(new Float32Array(1), [1, 1], true);
  a.grad = new Tensor(Float32Array.of(3, -4), [2]);
  b.grad = new Tensor(Float32Array.of(12), [1, 1]);
  return [a, b];
}

const gradients = (params: Tensor[]) => params.flatMap((param) => Array.from(param.grad!.data));

describe('clipGradNorm', () => {
  it('returns the joint 2-norm and scales by maxNorm / (norm + 1e-6)', () => {
    const params = withGradients();
    expect(clipGradNorm(params, 6.5)).toBeCloseTo(13, 5);
    const coefficient = 6.5 / (13 + 1e-6);
    gradients(params).forEach((value, i) => expect(value).toBeCloseTo([3, -4, 12][i]! * coefficient, 6));
    expect(Math.hypot(...gradients(params))).toBeCloseTo(6.5, 5);
  });

  it('leaves gradients alone when the norm is within maxNorm', () => {
    const params = withGradients();
    expect(clipGradNorm(params, 13.5)).toBeCloseTo(13, 5);
    expect(gradients(params)).toEqual([3, -4, 12]);
  });

  it("1-norm, p-norm and the 'inf' norm", () => {
    expect(clipGradNorm(withGradients(), 100, 1)).toBeCloseTo(19, 5);
    expect(clipGradNorm(withGradients(), 100, 3)).toBeCloseTo((27 + 64 + 1728) ** (1 / 3), 5);
    const params = withGradients();
    expect(clipGradNorm(params, 6, 'inf')).toBe(12);
    gradients(params).forEach((value, i) => expect(value).toBeCloseTo([3, -4, 12][i]! * (6 / (12 + 1e-6)), 6));
    expect(clipGradNorm(withGradients(), 100, Infinity)).toBe(12);
  });

  it('skips parameters without a gradient; none at all gives 0', () => {
    const params = withGradients();
    params[1]!.grad = null;
    expect(clipGradNorm(params, 1)).toBeCloseTo(5, 5);
    expect(clipGradNorm([new Tensor(new Float32Array(1), [1], true)], 1)).toBe(0);
  });

  it('accepts a single tensor', () => {
    const [a] = withGradients();
    expect(clipGradNorm(a!, 1)).toBeCloseTo(5, 5);
  });

  it('a NaN gradient makes the norm and every gradient NaN, as in PyTorch', () => {
    const params = withGradients();
    params[0]!.grad!.data[0] = Number.NaN;
    expect(clipGradNorm(params, 1)).toBeNaN();
    for (const value of gradients(params)) expect(value).toBeNaN();
  });

  it('rejects invalid arguments', () => {
    expect(() => clipGradNorm(withGradients(), -1)).toThrow('clipGradNorm: maxNorm must be a number ≥ 0, got -1');
    expect(() => clipGradNorm(withGradients(), 1, 0)).toThrow(
      "clipGradNorm: normType must be a number > 0 or 'inf', got 0",
    );
  });
});
