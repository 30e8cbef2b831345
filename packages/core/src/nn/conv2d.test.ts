// The Conv2d module's PyTorch options: weight layout with groups, the options reaching conv2d, and
// specs that round-trip (new fields only when not the default) and name bad fields.
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers.js';
import { buildModel, conv2d, Generator, randn } from '../index.js';
import { Conv2d } from './conv2d.js';

describe('Conv2d options', () => {
  it("has PyTorch's weight shape [out, in/groups, kH, kW] and fan-in bound with groups", () => {
    const conv = new Conv2d(6, 4, 3, { groups: 2, generator: new Generator(3) });
    expect(conv.weight.shape).toEqual([4, 3, 3, 3]);
    // PyTorch's bias bound is 1/√fanIn with fanIn = in/groups·kH·kW = 27.
    for (const value of conv.bias!.data) expect(Math.abs(value)).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(() => new Conv2d(6, 4, 3, { groups: 4 })).toThrow(
      'Conv2d: inChannels (6) and outChannels (4) must be divisible by groups (4)',
    );
  });

  it("passes dilation, groups, padding 'same' and the padding mode to conv2d", () => {
    const conv = new Conv2d(4, 4, 3, {
      padding: 'same',
      dilation: 2,
      groups: 4,
      paddingMode: 'replicate',
      generator: new Generator(4),
    });
    const x = randn([2, 4, 7, 7], { generator: new Generator(5) });
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 4, 7, 7]);
    const expected = conv2d(x, conv.weight, {
      bias: conv.bias!,
      padding: 'same',
      dilation: 2,
      groups: 4,
      paddingMode: 'replicate',
    });
    expectClose(y, expected.toArray(), 0);
  });

  it("refuses padding 'same' with a stride other than 1 when built, as PyTorch's nn.Conv2d does", () => {
    const message =
      "Conv2d: padding 'same' is not supported for strided convolutions (stride 2×2), as in PyTorch; use stride 1, or give the padding as numbers";
    expect(() => new Conv2d(2, 4, 3, { padding: 'same', stride: 2 })).toThrow(message);
    expect(() => new Conv2d(2, 4, 3, { padding: 'same', stride: [1, 2] })).toThrow('(stride 1×2)');
    expect(() =>
      buildModel({
        type: 'sequential',
        layers: [{ type: 'conv2d', in: 2, out: 4, kernel: 3, stride: 2, padding: 'same' }],
      }),
    ).toThrow(message);
    expect(new Conv2d(2, 4, 3, { padding: 'valid', stride: 2 }).padding).toBe('valid');
  });

  it('writes only non-default options into its spec; the spec rebuilds the same module', () => {
    expect(new Conv2d(1, 2, 3).toSpec()).toEqual({
      type: 'conv2d',
      in: 1,
      out: 2,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [0, 0],
    });
    const layers = [
      {
        type: 'conv2d',
        in: 4,
        out: 8,
        kernel: [3, 3],
        stride: [1, 1],
        padding: 'same',
        dilation: [2, 1],
        groups: 4,
        paddingMode: 'circular',
      },
    ];
    const model = buildModel({ type: 'sequential', layers }, { generator: new Generator(6) });
    expect(model.toSpec()).toEqual({ type: 'sequential', layers });
    expect(model.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ['layers.0.weight', [8, 1, 3, 3]],
      ['layers.0.bias', [8]],
    ]);
  });

  it('names a bad spec field', () => {
    const one = (fields: Record<string, unknown>) => () =>
      buildModel({ type: 'sequential', layers: [{ type: 'conv2d', in: 2, out: 2, kernel: 3, ...fields }] });
    expect(one({ padding: 'full' })).toThrow('layers[0].padding: expected one of "same", "valid", got "full"');
    expect(one({ paddingMode: 'mirror' })).toThrow(
      'layers[0].paddingMode: expected one of "zeros", "reflect", "replicate", "circular", got "mirror"',
    );
    expect(one({ groups: 0 })).toThrow('layers[0].groups: expected a positive integer, got 0');
    expect(one({ groups: 3 })).toThrow('Conv2d: inChannels (2) and outChannels (2) must be divisible by groups (3)');
  });
});
