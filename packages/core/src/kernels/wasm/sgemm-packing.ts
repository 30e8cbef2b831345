// Emits sgemm's panel-packing functions: strided operands (any transpose) and gathered ones (implicit
// im2col) into MR- or NR-wide panels. Imports only the encoder; knows no micro-kernel or module layout.
import { I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';

const LANES = 4;
const F32_BYTES = 4;

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

/**
 * Packs X[count×depth] — element (i, p) at src + i·rs + p·cs bytes, so any row-major matrix or its
 * transpose — into ⌈count/width⌉ panels of depth×width floats (element (p, r) of a panel at
 * (p·width + r)·4). A last, partial panel repeats row count−1 (its results are dropped).
 * Whole panels get one of two SIMD paths (see NOTE(packing)); the rest is copied float by float.
 * Requires count, depth ≥ 1 and width a multiple of 4.
 */
export function emitPack(width: number): FunctionBuilder {
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
export function emitPackGather(width: number): FunctionBuilder {
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
