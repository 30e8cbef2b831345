// BatchNorm under data parallelism: each chunk normalises with its own batch statistics (as in
// PyTorch's DistributedDataParallel without SyncBatchNorm), and the running statistics advance once
// per chunk, in chunk order — exactly as if one process had forwarded the chunks one after another
// (gradient accumulation over chunk-sized micro-batches). Workers write each chunk's statistics
// behind its gradient; the owner of the first shard replays them (finishShard in sharded-update.ts).
// Shared by all threads: must not import node:*.
import { BatchNorm, type Module } from '@backprop/core';

/** The BatchNorm layers of a model, in module order, and where their statistics go in a chunk's slot. */
export interface StatisticsLayout {
  layers: BatchNorm[];
  /** Offset of each layer's [mean (C), variance (C), count (1)] within the statistics area. */
  offsets: number[];
  /** Float32 values per chunk: Σ (2C + 1). */
  size: number;
}

/**
 * The model's BatchNorm layers that keep running statistics, and their layout. Throws if a module other than a
 * BatchNorm holds buffers: the trainer would not know how to combine them across chunks.
 */
export function statisticsLayout(model: Module): StatisticsLayout {
  const layers: BatchNorm[] = [];
  const offsets: number[] = [];
  let size = 0;
  for (const module of model.modules()) {
    if (module instanceof BatchNorm) {
      if (module.runningMean === null) continue; // trackRunningStats: false — nothing to carry across chunks
      layers.push(module);
      offsets.push(size);
      size += 2 * module.numFeatures + 1;
    } else if (
      module.namedBuffers().length > module.children().reduce((total, child) => total + child.namedBuffers().length, 0)
    ) {
      throw new Error(
        `${module.constructor.name} holds buffers, and only BatchNorm's running statistics have a data-parallel rule; keep state in parameters or buffers of BatchNorm layers`,
      );
    }
  }
  return { layers, offsets, size };
}

/** Worker: after a chunk's training forward, copies every BatchNorm's batch statistics into `area`. */
export function writeChunkStatistics(layout: StatisticsLayout, area: Float32Array): void {
  layout.layers.forEach((layer, index) => {
    const statistics = layer.lastBatchStatistics;
    if (statistics === null) throw new Error('a BatchNorm layer saw no batch in this chunk (is it used in forward?)');
    const offset = layout.offsets[index]!;
    area.set(statistics.mean, offset);
    area.set(statistics.variance, offset + layer.numFeatures);
    area[offset + 2 * layer.numFeatures] = statistics.count;
  });
}

/**
 * Replays the chunks' statistics into `layout`'s layers' running statistics, chunk by
 * chunk in order (chunk c's area starts at `c · stride + start` of `slots`).
 */
export function replayChunkStatistics(
  layout: StatisticsLayout,
  slots: Float32Array,
  numChunks: number,
  stride: number,
  start: number,
): void {
  for (let chunk = 0; chunk < numChunks; chunk++) {
    const base = chunk * stride + start;
    layout.layers.forEach((layer, index) => {
      const offset = base + layout.offsets[index]!;
      const features = layer.numFeatures;
      const mean = slots.subarray(offset, offset + features);
      const variance = slots.subarray(offset + features, offset + 2 * features);
      layer.updateRunningStatistics(mean, variance, slots[offset + 2 * features]!);
    });
  }
}

/** Float32 values in all of the model's buffers (running statistics), `namedBuffers()` order. */
export function bufferSize(model: Module): number {
  return model.namedBuffers().reduce((total, [, buffer]) => total + buffer.size, 0);
}

/** Copies the model's buffers into `flat` (after a replay, or a load on the main thread). */
export function saveBuffers(model: Module, flat: Float32Array): void {
  let offset = 0;
  for (const [, buffer] of model.namedBuffers()) {
    flat.set(buffer.data, offset);
    offset += buffer.size;
  }
}

/** Copies `flat` into the model's buffers (a worker, before each task: evaluation reads them). */
export function loadBuffers(model: Module, flat: Float32Array): void {
  let offset = 0;
  for (const [, buffer] of model.namedBuffers()) {
    buffer.data.set(flat.subarray(offset, offset + buffer.size));
    offset += buffer.size;
  }
}
