// Emits the WebAssembly SIMD sgemm module: panel packing, the 4×8 micro-kernel and the loop over
// one packed block. The outer (cache) blocking lives in sgemm.ts. Imports only the encoder.
import { I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

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

// NOTE(packing): both operands are packed with one routine, reading through (row, depth) byte
// strides, so every transpose variant costs the same. Whole panels take a SIMD path: rows adjacent
// in memory (B, or Aᵀ stored k×m) are copied f32x4 at a time; depth adjacent in memory (A, or Bᵀ
// stored n×k) is read as 4×4 tiles and transposed in registers with four unpack and four move
// shuffles. Partial panels and other strides go float by float.

// NOTE(gather-pack): an operand can also be packed through two tables of byte offsets, element
// (i, p) at base + rowTable[i] + depthTable[p]. That is how convolution reads its operands straight
// from images in this memory (implicit im2col, see NOTE(implicit-im2col) in conv.ts): patches
// are gathered into the packed panels without ever being written out as a column matrix. Four rows
// of a panel whose offsets are consecutive floats (e.g. four output positions along a row, stride 1)
// are moved as one f32x4 per depth step; other rows float by float.

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
 * Packs X[count×depth] — element (i, p) at src + i·rs + p·cs bytes, so any row-major matrix or its
 * transpose — into ⌈count/width⌉ panels of depth×width floats (element (p, r) of a panel at
 * (p·width + r)·4). A last, partial panel repeats row count−1 (its results are dropped).
 * Whole panels get one of two SIMD paths (see NOTE(packing)); the rest is copied float by float.
 * Requires count, depth ≥ 1 and width a multiple of 4.
 */
function emitPack(width: number): FunctionBuilder {
  const rowVectors: Record<string, typeof V128> = {
    r0: V128,
    r1: V128,
    r2: V128,
    r3: V128,
    t0: V128,
    t1: V128,
    t2: V128,
    t3: V128,
  };
  const f = new FunctionBuilder({ src: I32, rs: I32, cs: I32, count: I32, depth: I32, dst: I32 }, [], {
    panelBytes: I32,
    first: I32,
    r: I32,
    s: I32,
    d: I32,
    end: I32,
    s0: I32,
    s1: I32,
    s2: I32,
    s3: I32,
    left: I32,
    ...rowVectors,
  });
  const stepBytes = width * F32_BYTES;
  const wholePanel = () => f.get('first').i32(width).add().get('count').leU();

  /** Rows adjacent in memory (rs = 4): each depth step copies `width` adjacent floats. */
  const copySteps = () => {
    f.get('src').get('first').i32(F32_BYTES).mul().add().set('s');
    f.get('dst').set('d');
    f.get('dst').get('panelBytes').add().set('end');
    f.loop(() => {
      for (let lane = 0; lane < width; lane += LANES)
        f.get('d')
          .get('s')
          .v128Load(lane * F32_BYTES)
          .v128Store(lane * F32_BYTES);
      f.addTo('s', 'cs');
      f.addTo('d', stepBytes);
      f.get('d').get('end').ne().brIf(0);
    });
  };

  /** Depth adjacent in memory (cs = 4): 4 rows × 4 steps at a time, transposed in registers. */
  const transposeRows = () => {
    for (let group = 0; group < width / LANES; group++) {
      for (let row = 0; row < LANES; row++) {
        f.get('first')
          .i32(group * LANES + row)
          .add()
          .get('rs')
          .mul()
          .get('src')
          .add()
          .set(`s${row}`);
      }
      f.get('dst')
        .i32(group * LANES * F32_BYTES)
        .add()
        .set('d');
      f.get('depth').set('left');
      f.block(() => {
        f.get('left').i32(LANES).ltU().brIf(0);
        f.loop(() => {
          for (let row = 0; row < LANES; row++) f.get(`s${row}`).v128Load().set(`r${row}`);
          // r_i = [x_i0 x_i1 x_i2 x_i3] → out_p = [x_0p x_1p x_2p x_3p] (unpcklps/unpckhps, movlhps/movhlps).
          f.get('r0').get('r1').shuffleF32([0, 4, 1, 5]).set('t0');
          f.get('r2').get('r3').shuffleF32([0, 4, 1, 5]).set('t1');
          f.get('r0').get('r1').shuffleF32([2, 6, 3, 7]).set('t2');
          f.get('r2').get('r3').shuffleF32([2, 6, 3, 7]).set('t3');
          f.get('d').get('t0').get('t1').shuffleF32([0, 1, 4, 5]).v128Store(0);
          f.get('d').get('t0').get('t1').shuffleF32([2, 3, 6, 7]).v128Store(stepBytes);
          f.get('d')
            .get('t2')
            .get('t3')
            .shuffleF32([0, 1, 4, 5])
            .v128Store(2 * stepBytes);
          f.get('d')
            .get('t2')
            .get('t3')
            .shuffleF32([2, 3, 6, 7])
            .v128Store(3 * stepBytes);
          for (let row = 0; row < LANES; row++) f.addTo(`s${row}`, LANES * F32_BYTES);
          f.addTo('d', LANES * stepBytes);
          f.get('left').i32(LANES).sub().tee('left').i32(LANES).ltU().eqz().brIf(0); // again while left ≥ 4
        });
      });
      // The last depth % 4 steps, float by float.
      f.block(() => {
        f.get('left').eqz().brIf(0);
        f.loop(() => {
          for (let row = 0; row < LANES; row++)
            f.get('d')
              .get(`s${row}`)
              .f32Load()
              .f32Store(row * F32_BYTES);
          for (let row = 0; row < LANES; row++) f.addTo(`s${row}`, F32_BYTES);
          f.addTo('d', stepBytes);
          f.get('left').i32(1).sub().tee('left').brIf(0);
        });
      });
    }
  };

  /** General strides or a partial panel: one row of the panel at a time. */
  const copyRows = () => {
    f.i32(0).set('r');
    f.loop(() => {
      // s = src + min(first + r, count − 1) · rs
      f.get('first').get('r').add();
      f.get('count').i32(1).sub();
      f.get('first').get('r').add().get('count').ltU();
      f.select().get('rs').mul().get('src').add().set('s');
      f.get('dst').get('r').i32(F32_BYTES).mul().add().tee('d');
      f.get('panelBytes').add().set('end');
      f.loop(() => {
        f.get('d').get('s').f32Load().f32Store();
        f.addTo('s', 'cs');
        f.addTo('d', stepBytes);
        f.get('d').get('end').ne().brIf(0);
      });
      f.addTo('r', 1);
      f.get('r').i32(width).ltU().brIf(0);
    });
  };

  f.get('depth').i32(stepBytes).mul().set('panelBytes');
  f.loop(() => {
    f.get('rs').i32(F32_BYTES).eq();
    wholePanel();
    f.and();
    f.ifElse(copySteps, () => {
      f.get('cs').i32(F32_BYTES).eq();
      wholePanel();
      f.and();
      f.ifElse(transposeRows, copyRows);
    });
    f.addTo('dst', 'panelBytes');
    f.addTo('first', width);
    f.get('first').get('count').ltU().brIf(0);
  });
  return f;
}

/**
 * Packs X[count×depth], element (i, p) at base + rowTable[i] + depthTable[p] bytes (i32 tables),
 * into panels as `emitPack` does (a partial panel repeats row count−1). Each group of four panel
 * rows whose offsets are consecutive floats moves as one f32x4 per depth step (NOTE(gather-pack)).
 * Requires count, depth ≥ 1 and width a multiple of 4.
 */
function emitPackGather(width: number): FunctionBuilder {
  const f = new FunctionBuilder({ base: I32, rowTable: I32, depthTable: I32, count: I32, depth: I32, dst: I32 }, [], {
    first: I32,
    row: I32,
    o0: I32,
    o1: I32,
    o2: I32,
    o3: I32,
    pd: I32,
    d: I32,
    end: I32,
    offset: I32,
  });
  const stepBytes = width * F32_BYTES;
  f.get('depthTable').get('depth').i32(F32_BYTES).mul().add().set('end');
  f.loop(() => {
    for (let group = 0; group < width / LANES; group++) {
      // o_r = base + rowTable[min(first + 4·group + r, count − 1)]
      for (let r = 0; r < LANES; r++) {
        f.get('first')
          .i32(group * LANES + r)
          .add()
          .set('row');
        f.get('row').get('count').i32(1).sub(); // a = row, b = count − 1
        f.get('row').get('count').ltU().select(); // row < count ? row : count − 1
        f.i32(2).shl().get('rowTable').add().i32Load().get('base').add().set(`o${r}`);
      }
      f.get('depthTable').set('pd');
      f.get('dst')
        .i32(group * LANES * F32_BYTES)
        .add()
        .set('d');
      // Consecutive floats: o1 = o0 + 4, o2 = o0 + 8, o3 = o0 + 12.
      f.get('o1').get('o0').sub().i32(4).eq();
      f.get('o2').get('o0').sub().i32(8).eq().and();
      f.get('o3').get('o0').sub().i32(12).eq().and();
      f.ifElse(
        () => {
          f.loop(() => {
            f.get('d').get('pd').i32Load().get('o0').add().v128Load().v128Store();
            f.addTo('pd', F32_BYTES);
            f.addTo('d', stepBytes);
            f.get('pd').get('end').ne().brIf(0);
          });
        },
        () => {
          f.loop(() => {
            f.get('pd').i32Load().set('offset');
            for (let r = 0; r < LANES; r++)
              f.get('d')
                .get(`o${r}`)
                .get('offset')
                .add()
                .f32Load()
                .f32Store(r * F32_BYTES);
            f.addTo('pd', F32_BYTES);
            f.addTo('d', stepBytes);
            f.get('pd').get('end').ne().brIf(0);
          });
        },
      );
    }
    f.get('dst').get('depth').i32(stepBytes).mul().add().set('dst');
    f.addTo('first', width);
    f.get('first').get('count').ltU().brIf(0);
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
