// Emits the WebAssembly SIMD sgemm module: the 4×8 micro-kernel, the loop over one packed block, and the
// module's function list (packing: sgemm-packing.ts; cache blocking: sgemm.ts). Imports only the encoder.
import { I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';
import { emitPack, emitPackGather } from './sgemm-packing.js';

/** Rows of the register block: a packed A panel holds MR rows, interleaved by depth. */
export const MR = 4;
/** Columns of the register block: a packed B panel holds NR columns, two f32x4 wide. */
export const NR = 8;
const LANES = 4;
/** Depth steps per loop iteration (see NOTE(micro-kernel)). */
const UNROLL = 4;
const F32_BYTES = 4;

// NOTE(micro-kernel): the register block is MR×NR = 4×8 of C, held in 8 f32x4 accumulators for
// the whole depth loop. Each depth step loads two f32x4 of B and splats four values of A
// (v128.load32_splat, a pure load on x64) for 8 mul + 8 add. TurboFan (Node 20) issues every load
// of a basic block before the arithmetic, so all of a step's loads are live at once: 8 + 2 + 4 = 14
// v128 values plus one product, exactly the 15 xmm registers V8 gives WebAssembly on x64. A 5×8
// block (17 live values) spills three accumulators to the stack every step
// (`node --print-wasm-code`) and runs slower. Unrolling the depth loop naively lets V8 hoist the
// loads of several steps, which spills too, so the four
// steps of an iteration are separated by the exit tests of a depth that is not a multiple of 4: a
// branch ends the basic block and pins the next step's loads below it. That spreads the
// per-iteration overhead (V8's interrupt check, pointer bumps) over four steps without spilling.
// Every alternative tried — 5×8 with or without the unroll (it spills, or avoids the spill with
// shuffles and is slower), 4×8 without the unroll — ran slower than this kernel, which comes
// within ~15% of the 128-bit SIMD peak (figures: docs/performance.md).
// V8 does not fold a constant offset into a v128.load32_splat address; it keeps mem_start + 4,
// + 8, + 12 in registers. Each later step therefore splats from its own pointer (the one its exit
// test computed) with the same offsets as the first, instead of offsets 16…60 (each of which cost
// an extra lea per load).
// mul + add rather than relaxed-SIMD fma: fma needs a flag on Node 20 and gains little here.
// Edge blocks are not special-cased: packing pads the panels to whole blocks and C has padded
// rows and columns (see NOTE(padding) in sgemm.ts), so every block runs the same straight code.

/** Function indices in the module, in the order `sgemmFunctions` lists them. */
const FUNCTIONS = { microKernel: 0, macroKernel: 1, packA: 2, packB: 3, packGatherA: 4, packGatherB: 5 } as const;

/** The module's exports, as JavaScript sees them (all addresses in bytes). */
export interface SgemmExports {
  /** Packs `count` rows × `depth` of a strided operand into MR-wide (packA) or NR-wide (packB) panels. */
  packA(src: number, rowStride: number, depthStride: number, count: number, depth: number, dst: number): void;
  packB(src: number, rowStride: number, depthStride: number, count: number, depth: number, dst: number): void;
  /** As packA/packB, element (i, p) at base + rowTable[i] + depthTable[p] (i32 tables). */
  packGatherA(base: number, rowTable: number, depthTable: number, count: number, depth: number, dst: number): void;
  packGatherB(base: number, rowTable: number, depthTable: number, count: number, depth: number, dst: number): void;
  macroKernel(
    aPack: number,
    bPack: number,
    rows: number,
    cols: number,
    depth: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void;
}

/**
 * C[MR×NR] (+)= Apanel[depth×MR]ᵀ · Bpanel[depth×NR], all addresses in bytes; C has row stride `ldc`
 * bytes. Adds onto C when `accumulate` ≠ 0 (the later depth blocks), else overwrites it (the first:
 * C needs no zeroing beforehand). Requires depth ≥ 1.
 */
function emitMicroKernel(): FunctionBuilder {
  const accumulator = (row: number, half: number) => `c${row}_${half}`;
  const accumulators: Record<string, typeof V128> = {};
  for (let row = 0; row < MR; row++) {
    for (let half = 0; half < NR / LANES; half++) accumulators[accumulator(row, half)] = V128;
  }
  const f = new FunctionBuilder({ pa: I32, pb: I32, depth: I32, pc: I32, ldc: I32, accumulate: I32 }, [], {
    end: I32,
    paStep: I32,
    a: V128,
    b0: V128,
    b1: V128,
    ...accumulators,
  });
  // WebAssembly zero-initializes locals, so the accumulators start at 0.
  f.get('pa')
    .get('depth')
    .i32(MR * F32_BYTES)
    .mul()
    .add()
    .set('end');
  /** One depth step: A values at `aPointer` (a local), B values `step` steps past pb. */
  const multiplyAdd = (aPointer: string, step: number) => {
    for (let half = 0; half < NR / LANES; half++)
      f.get('pb')
        .v128Load((step * NR + half * LANES) * F32_BYTES)
        .set(`b${half}`);
    for (let row = 0; row < MR; row++) {
      f.get(aPointer)
        .v128Load32Splat(row * F32_BYTES)
        .set('a');
      for (let half = 0; half < NR / LANES; half++) {
        const c = accumulator(row, half);
        f.get(c).get('a').get(`b${half}`).f32x4Mul().f32x4Add().set(c);
      }
    }
  };
  f.block(() => {
    f.loop(() => {
      multiplyAdd('pa', 0);
      for (let step = 1; step < UNROLL; step++) {
        // Leave when the depth is done mid-iteration; otherwise this step reads A from paStep, whose
        // splat offsets (0, 4, 8, 12) are the same as the first step's (see NOTE(micro-kernel)).
        f.get('pa')
          .i32(step * MR * F32_BYTES)
          .add()
          .tee('paStep')
          .get('end')
          .eq()
          .brIf(1);
        multiplyAdd('paStep', step);
      }
      f.addTo('pa', UNROLL * MR * F32_BYTES);
      f.addTo('pb', UNROLL * NR * F32_BYTES);
      f.get('pa').get('end').ne().brIf(0);
    });
  });
  // C (+)= block, row by row.
  const storeBlock = (add: boolean) => {
    f.get('pc').set('end'); // reused as the row pointer
    for (let row = 0; row < MR; row++) {
      for (let half = 0; half < NR / LANES; half++) {
        const offset = half * LANES * F32_BYTES;
        f.get('end');
        if (add) f.get('end').v128Load(offset).get(accumulator(row, half)).f32x4Add();
        else f.get(accumulator(row, half));
        f.v128Store(offset);
      }
      f.addTo('end', 'ldc');
    }
  };
  f.get('accumulate').ifElse(
    () => storeBlock(true),
    () => storeBlock(false),
  );
  return f;
}

/**
 * C[rows×cols] (+)= Apack · Bpack for one packed block: every B panel (kept hot in L1) meets every A
 * panel (in L2). `c` points at the block's top-left element, `ldc` is C's row stride in bytes;
 * `accumulate` as in the micro-kernel. Requires rows, cols, depth ≥ 1.
 */
function emitMacroKernel(): FunctionBuilder {
  const f = new FunctionBuilder(
    { aPack: I32, bPack: I32, rows: I32, cols: I32, depth: I32, c: I32, ldc: I32, accumulate: I32 },
    [],
    {
      aPanelBytes: I32,
      bPanelBytes: I32,
      cBlockRowBytes: I32,
      i: I32,
      j: I32,
      pa: I32,
      pb: I32,
      pc: I32,
      cColumn: I32,
    },
  );
  f.get('depth')
    .i32(MR * F32_BYTES)
    .mul()
    .set('aPanelBytes');
  f.get('depth')
    .i32(NR * F32_BYTES)
    .mul()
    .set('bPanelBytes');
  f.get('ldc').i32(MR).mul().set('cBlockRowBytes');
  f.get('bPack').set('pb');
  f.get('c').set('cColumn');
  f.loop(() => {
    f.get('aPack').set('pa');
    f.get('cColumn').set('pc');
    f.i32(0).set('i');
    f.loop(() => {
      f.get('pa').get('pb').get('depth').get('pc').get('ldc').get('accumulate').call(FUNCTIONS.microKernel);
      f.addTo('pa', 'aPanelBytes');
      f.addTo('pc', 'cBlockRowBytes');
      f.addTo('i', MR);
      f.get('i').get('rows').ltU().brIf(0);
    });
    f.addTo('pb', 'bPanelBytes');
    f.addTo('cColumn', NR * F32_BYTES);
    f.addTo('j', NR);
    f.get('j').get('cols').ltU().brIf(0);
  });
  return f;
}

/**
 * The module's functions, exported under their names: those of `FUNCTIONS`, in that order.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: sgemmFunctions() });
 */
export function sgemmFunctions(): ModuleSpec['functions'] {
  return [
    { name: 'microKernel', body: emitMicroKernel() },
    { name: 'macroKernel', body: emitMacroKernel() },
    { name: 'packA', body: emitPack(MR) },
    { name: 'packB', body: emitPack(NR) },
    { name: 'packGatherA', body: emitPackGather(MR) },
    { name: 'packGatherB', body: emitPackGather(NR) },
  ];
}
