// Emits the WebAssembly module that reduces per-chunk gradients: the sum over chunks in chunk order
// in float32, divided by a float32 divisor, four values at a time. Imports only the encoder and its
// loop helpers.
import { paddedLoop } from './element-loop.js';
import { F32, I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

/** The module's exports, as JavaScript sees them (addresses and strides in bytes, counts in floats). */
export interface ChunkSumExports {
  /**
   * destination[i] = (Σ over c < chunks, in order, of source[c · chunkBytes/4 + i]) / divisor for i
   * below `count` rounded up to a multiple of 4 (every region padded to that); chunks ≥ 1. No
   * address or stride needs more than 4-byte alignment (NOTE(copy-alignment) in runtime.ts).
   */
  sumChunks(
    source: number,
    chunks: number,
    chunkBytes: number,
    destination: number,
    count: number,
    divisor: number,
  ): void;
}

function emitSumChunks(): FunctionBuilder {
  const f = new FunctionBuilder(
    { source: I32, chunks: I32, chunkBytes: I32, destination: I32, count: I32, divisor: F32 },
    [],
    { end: I32, at: I32, chunk: I32, others: I32, sum: V128, divisors: V128 },
  );
  f.get('divisor').f32x4Splat().set('divisors');
  f.get('chunks').i32(1).sub().set('others');
  paddedLoop(f, 'count', ['source', 'destination'], 4, () => {
    f.get('source').tee('at').v128Load().set('sum');
    f.get('others').ifElse(() => {
      f.countUp('chunk', 'others', () => {
        f.addTo('at', 'chunkBytes');
        f.get('sum').get('at').v128Load().f32x4Add().set('sum');
      });
    });
    f.get('destination').get('sum').get('divisors').f32x4Div().v128Store();
  });
  return f;
}

/**
 * The module's functions, exported under their names: those of `ChunkSumExports`.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: chunkSumFunctions() });
 */
export function chunkSumFunctions(): ModuleSpec['functions'] {
  return [{ name: 'sumChunks', body: emitSumChunks() }];
}
