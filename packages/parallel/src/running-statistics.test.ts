// The BatchNorm rule's bookkeeping: which layers, where their statistics sit in a chunk's slot, and
// that replaying chunk statistics equals forwarding the chunks one after another.
import { BatchNorm1d, Linear, Module, Sequential, tensor, zeros, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  bufferSize,
  loadBuffers,
  replayChunkStatistics,
  saveBuffers,
  statisticsLayout,
  writeChunkStatistics,
} from './running-statistics.js';

class Counter extends Module {
  constructor() {
    super();
    this.registerBuffer('calls', zeros([1]));
  }
  forward(input: Tensor): Tensor {
    return input;
  }
}

describe('running statistics under data parallelism', () => {
  it('lays out [mean, variance, count] per BatchNorm in module order', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2), new BatchNorm1d(2));
    const layout = statisticsLayout(model);
    expect(layout.layers).toHaveLength(2);
    expect(layout.offsets).toEqual([0, 9]);
    expect(layout.size).toBe(9 + 5);
    expect(bufferSize(model)).toBe(9 + 5); // running_mean, running_var, num_batches_tracked of each
    expect(() => statisticsLayout(new Sequential(new Linear(2, 2), new Counter()))).toThrow(
      /Counter holds buffers, and only BatchNorm/,
    );
  });

  it('replaying chunk statistics in order equals forwarding the chunks one after another', () => {
    const sequential = new BatchNorm1d(2, { momentum: 0.3 });
    const replayed = new BatchNorm1d(2, { momentum: 0.3 });
    const worker = new BatchNorm1d(2, { momentum: 0.3 });
    const layout = statisticsLayout(worker);
    const chunks = [
      tensor([
        [1, 2],
        [3, 5],
        [4, 4],
      ]),
      tensor([
        [0, 1],
        [2, 9],
      ]),
      tensor([
        [7, 1],
        [1, 1],
        [2, 3],
        [5, 5],
      ]),
    ];
    const stride = 3 + layout.size; // as if 3 parameter values came first
    const slots = new Float32Array(chunks.length * stride);
    chunks.forEach((chunk, index) => {
      sequential.forward(chunk);
      worker.forward(chunk);
      writeChunkStatistics(layout, slots.subarray(index * stride + 3, (index + 1) * stride));
    });
    replayChunkStatistics(statisticsLayout(replayed), slots, chunks.length, stride, 3);
    expect(replayed.stateDict()).toEqual(sequential.stateDict());
    expect(replayed.numBatchesTracked!.item()).toBe(3);
  });

  it('leaves out BatchNorm layers without running statistics (trackRunningStats: false)', () => {
    const tracked = new BatchNorm1d(2);
    const model = new Sequential(new BatchNorm1d(3, { trackRunningStats: false }), new Linear(3, 2), tracked);
    const layout = statisticsLayout(model);
    expect(layout.layers.length).toBe(1);
    expect(layout.layers[0]).toBe(tracked);
    expect(layout.size).toBe(2 * 2 + 1);
    model.forward(
      tensor([
        [1, 2, 3],
        [4, 5, 7],
      ]),
    );
    expect(() => writeChunkStatistics(layout, new Float32Array(layout.size))).not.toThrow();
  });

  it('moves buffers through a flat array both ways', () => {
    const source = new BatchNorm1d(2);
    source.forward(
      tensor([
        [1, 2],
        [3, 7],
      ]),
    );
    const flat = new Float32Array(bufferSize(source));
    saveBuffers(source, flat);
    const target = new BatchNorm1d(2);
    loadBuffers(target, flat);
    expect(target.stateDict()).toEqual(source.stateDict());
  });
});
