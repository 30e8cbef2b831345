import { buildModel, Generator, ones } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { bindParameters, chunkStride, parameterLayout } from './flat-parameters.js';

const spec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 3, out: 2 }, { type: 'relu' }, { type: 'linear', in: 2, out: 1 }],
} as const;

describe('flat parameters', () => {
  it('lays parameters out in namedParameters() order, each at a multiple of 4 values (NOTE(alignment))', () => {
    const layout = parameterLayout(buildModel(spec, { generator: new Generator(0) }));
    expect(layout.slots.map((s) => [s.name, s.offset, s.size])).toEqual([
      ['layers.0.weight', 0, 6],
      ['layers.0.bias', 8, 2],
      ['layers.2.weight', 12, 2],
      ['layers.2.bias', 16, 1],
    ]);
    expect(layout.size).toBe(20);
    expect(chunkStride(layout, 5)).toBe(28);
  });

  it('makes two modules share one buffer, zero-copy, keeping the initial values', () => {
    const main = buildModel(spec, { generator: new Generator(1) });
    const initial = main.parameters().map((p) => p.data.slice());
    const flat = new Float32Array(new SharedArrayBuffer(20 * 4));
    bindParameters(main, flat, { copyValues: true });
    const replica = buildModel(spec, { generator: new Generator(2) });
    bindParameters(replica, flat, { copyValues: false });
    main.parameters().forEach((p, i) => expect(p.data).toEqual(initial[i]));
    expect(replica.forward(ones([1, 3])).data).toEqual(main.forward(ones([1, 3])).data);
    flat[16] += 1; // the last bias, seen by both
    expect(main.parameters()[3]!.data[0]).toBe(replica.parameters()[3]!.data[0]);
    expect(replica.parameters()[3]!.data.buffer).toBe(flat.buffer);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => bindParameters(buildModel(spec), new Float32Array(10), { copyValues: true })).toThrow(
      /holds 10 values but the model's layout needs 20/,
    );
  });
});
