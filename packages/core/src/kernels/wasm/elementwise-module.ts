// Emits the WebAssembly module of the elementwise kernels: ReLU forward and backward, in place,
// four floats at a time. Imports only the encoder and its loop helper.
import { elementLoop } from './element-loop.js';
import { I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

/** The module's exports, as JavaScript sees them (addresses in bytes, counts in floats). */
export interface ElementwiseExports {
  /** x[i] = max(x[i], 0) for i < count, in place; NaN stays NaN, −0 becomes +0. */
  reluForward(x: number, count: number): void;
  /** g[i] = x[i] > 0 ? g[i] : 0 for i < count, in place (relu'(0) = 0; NaN gets 0). */
  reluBackward(x: number, g: number, count: number): void;
}

function emitReluForward(): FunctionBuilder {
  const f = new FunctionBuilder({ x: I32, count: I32 }, [], { vectorEnd: I32, end: I32, zero: V128 });
  // `zero` is all zero bits, as every local starts.
  elementLoop(
    f,
    'count',
    ['x'],
    () => f.get('x').get('x').v128Load().get('zero').f32x4Max().v128Store(),
    () => f.get('x').get('x').f32Load().f32(0).f32Max().f32Store(),
  );
  return f;
}

function emitReluBackward(): FunctionBuilder {
  const f = new FunctionBuilder({ x: I32, g: I32, count: I32 }, [], { vectorEnd: I32, end: I32, zero: V128 });
  elementLoop(
    f,
    'count',
    ['x', 'g'],
    () => f.get('g').get('g').v128Load().get('x').v128Load().get('zero').f32x4Gt().v128And().v128Store(),
    // select(g, 0, x > 0)
    () => f.get('g').get('g').f32Load().f32(0).get('x').f32Load().f32(0).f32Gt().select().f32Store(),
  );
  return f;
}

/**
 * The module's functions, exported under their names: those of `ElementwiseExports`.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: elementwiseFunctions() });
 */
export function elementwiseFunctions(): ModuleSpec['functions'] {
  return [
    { name: 'reluForward', body: emitReluForward() },
    { name: 'reluBackward', body: emitReluBackward() },
  ];
}
