// The pooling modules: options reach the functions, specs round-trip (new fields only when not
// the default), and bad spec fields are named.
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers.js';
import { adaptiveAvgPool2d, arange, avgPool2d, buildModel, maxPool2d } from '../index.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';

const x = arange(0, 2 * 3 * 7 * 7)
  .reshape([2, 3, 7, 7])
  .div(10)
  .sin();

describe('pooling modules', () => {
  it('pass their options to the functions', () => {
    expectClose(
      new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }).forward(x),
      maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }).toArray(),
      0,
    );
    expectClose(
      new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).forward(x),
      avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).toArray(),
      0,
    );
    expectClose(new AdaptiveAvgPool2d([2, 3]).forward(x), adaptiveAvgPool2d(x, [2, 3]).toArray(), 0);
    // Global average pooling is the mean over H and W.
    expectClose(new AdaptiveAvgPool2d(1).forward(x).flatten(1), x.mean([2, 3]).toArray(), 1e-6);
  });

  it('write only non-default options into their spec, and a spec rebuilds the same module', () => {
    expect(new MaxPool2d(2).toSpec()).toEqual({ type: 'maxPool2d', kernel: [2, 2], stride: [2, 2], padding: [0, 0] });
    const layers = [
      { type: 'maxPool2d', kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, dilation: [2, 1] },
      { type: 'avgPool2d', kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true, countIncludePad: false },
      { type: 'adaptiveAvgPool2d', output: [1, 1] },
    ];
    const model = buildModel({ type: 'sequential', layers });
    expect(model.toSpec()).toEqual({ type: 'sequential', layers });
    const expected = adaptiveAvgPool2d(
      avgPool2d(maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, dilation: [2, 1] }), 2, {
        ceilMode: true,
        countIncludePad: false,
      }),
      1,
    );
    expectClose(model.forward(x), expected.toArray(), 0);
  });

  it('name a bad or misplaced spec field', () => {
    const one = (layer: Record<string, unknown>) => () => buildModel({ type: 'sequential', layers: [layer] });
    expect(one({ type: 'maxPool2d', kernel: 2, ceilMode: 'yes' })).toThrow(
      'layers[0].ceilMode: expected true or false, got "yes"',
    );
    expect(one({ type: 'maxPool2d', kernel: 2, dilation: 0 })).toThrow(
      'layers[0].dilation: expected an integer ≥ 1 or a pair [height, width] of them, got 0',
    );
    expect(one({ type: 'maxPool2d', kernel: 2, countIncludePad: false })).toThrow(
      /^layers\[0\]\.countIncludePad: unknown field for type "maxPool2d"/,
    );
    expect(one({ type: 'avgPool2d', kernel: 2, dilation: 2 })).toThrow(
      /^layers\[0\]\.dilation: unknown field for type "avgPool2d"/,
    );
    expect(one({ type: 'adaptiveAvgPool2d' })).toThrow(
      'layers[0].output: expected an integer ≥ 1 or a pair [height, width] of them, got nothing',
    );
    // A missing kernel was a TypeError ("Cannot read properties of undefined") before the reader required it.
    expect(one({ type: 'maxPool2d' })).toThrow(
      'layers[0].kernel: expected an integer ≥ 1 or a pair [height, width] of them, got nothing',
    );
    expect(() => buildModel({ type: 'conv2d', in: 1, out: 1 })).toThrow(
      'kernel: expected an integer ≥ 1 or a pair [height, width] of them, got nothing',
    );
    expect(() => new AdaptiveAvgPool2d(0)).toThrow('AdaptiveAvgPool2d: outputSize must hold integers ≥ 1, got 0');
  });
});
