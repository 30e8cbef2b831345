// Emits the WebAssembly module of convolution's data movement: strided plane copies (zero padding
// in, unpadding and NCHW scatter with a bias out), col2im straight from the sgemm's C, and the
// bias gradient's channel sums. The products run in the sgemm module. Imports only the encoder.
import { elementLoop } from './element-loop.js';
import { F64, I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

const LANES = 4;
const F32_BYTES = 4;

/** The module's exports, as JavaScript sees them (all addresses and strides in bytes). */
export interface ConvExports {
  /**
   * For plane q < planes and row r < rows: copies `width` floats from src + q·srcPlane + r·srcRow to
   * dst + q·dstPlane + r·dstRow, adding the float at bias + 4q when `withBias` ≠ 0.
   */
  copyPlanes(
    src: number,
    dst: number,
    planes: number,
    rows: number,
    width: number,
    srcPlane: number,
    srcRow: number,
    dstPlane: number,
    dstRow: number,
    bias: number,
    withBias: number,
  ): void;
  /**
   * col2im from a matrix C [rows × cols] (row stride `ldc` bytes): dst + rowTable[p] + colTable[j]
   * += C[p][j], row after row. `contiguous` holds one i32 per 4 columns: 1 when their colTable
   * entries are consecutive floats (then they move as one f32x4).
   */
  col2im(
    c: number,
    ldc: number,
    rows: number,
    cols: number,
    rowTable: number,
    colTable: number,
    contiguous: number,
    dst: number,
  ): void;
  /**
   * sums[o] += Σ of the `positions` floats of plane (i, o), for images i < images and channels
   * o < channels of src [images × channels × positions]; sums are f64 (NOTE(channel-sums)).
   */
  channelSums(src: number, images: number, channels: number, positions: number, sums: number): void;
}

// NOTE(channel-sums): the bias gradient Σ over images and positions of dOut[n, o, ·] is summed in
// float64, as the TypeScript kernel does, but four floats at a time: each f32x4 becomes two exact
// f64x2 (lanes 0–1 and 2–3) added into two f64x2 accumulators, whose four lanes and the scalar
// rest are added at the end of each plane. The order differs from the TypeScript loop's, so the
// float64 sums may differ in their last bits; rounded to float32 they almost always agree. The
// sums run on the copy of dOut the products read anyway: LeNet conv1's backward took 2.4–2.9 ms
// instead of 3.0–3.6 ms with the TypeScript channel sums (three runs, 1.18–1.48×); conv2's, whose
// dOut is a third of conv1's, did not move measurably.

/** See `ConvExports.copyPlanes`. Four floats at a time, then the width % 4 rest one by one. */
function emitCopyPlanes(): FunctionBuilder {
  const f = new FunctionBuilder(
    {
      src: I32,
      dst: I32,
      planes: I32,
      rows: I32,
      width: I32,
      srcPlane: I32,
      srcRow: I32,
      dstPlane: I32,
      dstRow: I32,
      bias: I32,
      withBias: I32,
    },
    [],
    { q: I32, r: I32, s: I32, d: I32, end: I32, vectorEnd: I32, addend: V128 },
  );
  // One row, folding the plane's bias in when `add`.
  const copyRow = (add: boolean) =>
    elementLoop(
      f,
      'width',
      ['s', 'd'],
      () => {
        f.get('d').get('s').v128Load();
        if (add) f.get('addend').f32x4Add();
        f.v128Store();
      },
      () => {
        f.get('d').get('s').f32Load();
        if (add) f.get('bias').f32Load().f32Add();
        f.f32Store();
      },
    );
  f.block(() => {
    f.get('planes').eqz().get('rows').eqz().or().get('width').eqz().or().brIf(0);
    f.countUp('q', 'planes', () => {
      f.get('bias').f32Load().f32x4Splat().set('addend');
      f.countUp('r', 'rows', () => {
        f.get('src').get('q').get('srcPlane').mul().add().get('r').get('srcRow').mul().add().set('s');
        f.get('dst').get('q').get('dstPlane').mul().add().get('r').get('dstRow').mul().add().set('d');
        f.get('withBias').ifElse(
          () => copyRow(true),
          () => copyRow(false),
        );
      });
      f.get('withBias').ifElse(() => f.addTo('bias', F32_BYTES));
    });
  });
  return f;
}

/** See `ConvExports.col2im`. */
function emitCol2im(): FunctionBuilder {
  const f = new FunctionBuilder(
    { c: I32, ldc: I32, rows: I32, cols: I32, rowTable: I32, colTable: I32, contiguous: I32, dst: I32 },
    [],
    { p: I32, j: I32, vectorCols: I32, rowBase: I32, cRow: I32, target: I32, flag: I32, lane: I32 },
  );
  /** dst + rowBase + colTable[j + lane] += C[p][j + lane], one float. */
  const addOne = (lane: number) => {
    f.get('rowBase').get('colTable').get('j').i32(lane).add().i32(2).shl().add().i32Load().add().tee('target');
    f.get('target').f32Load().get('cRow').get('j').i32(lane).add().i32(2).shl().add().f32Load().f32Add().f32Store();
  };
  f.get('cols').i32(-LANES).and().set('vectorCols');
  f.block(() => {
    f.get('rows').eqz().get('cols').eqz().or().brIf(0);
    f.countUp('p', 'rows', () => {
      f.get('dst').get('rowTable').get('p').i32(2).shl().add().i32Load().add().set('rowBase');
      f.get('c').get('p').get('ldc').mul().add().set('cRow');
      f.i32(0).set('j');
      // Whole groups of four columns.
      f.block(() => {
        f.get('vectorCols').eqz().brIf(0);
        f.loop(() => {
          f.get('contiguous')
            .get('j')
            .add()
            .i32Load()
            .ifElse(
              () => {
                f.get('rowBase').get('colTable').get('j').i32(2).shl().add().i32Load().add().tee('target');
                f.get('target').v128Load().get('cRow').get('j').i32(2).shl().add().v128Load().f32x4Add().v128Store();
              },
              () => {
                for (let lane = 0; lane < LANES; lane++) addOne(lane);
              },
            );
          f.addTo('j', LANES);
          f.get('j').get('vectorCols').ltU().brIf(0);
        });
      });
      // The cols % 4 rest.
      f.block(() => {
        f.get('j').get('cols').eq().brIf(0);
        f.loop(() => {
          addOne(0);
          f.addTo('j', 1);
          f.get('j').get('cols').ltU().brIf(0);
        });
      });
    });
  });
  return f;
}

/** See `ConvExports.channelSums` and NOTE(channel-sums). */
function emitChannelSums(): FunctionBuilder {
  const f = new FunctionBuilder({ src: I32, images: I32, channels: I32, positions: I32, sums: I32 }, [], {
    i: I32,
    o: I32,
    s: I32,
    vectorEnd: I32,
    end: I32,
    value: V128,
    low: V128,
    high: V128,
    rest: F64,
    total: F64,
  });
  f.get('src').set('s');
  f.countUp('i', 'images', () => {
    f.countUp('o', 'channels', () => {
      f.i32x4Const([0, 0, 0, 0]).tee('low').set('high');
      f.f64(0).set('rest');
      elementLoop(
        f,
        'positions',
        ['s'],
        () => {
          f.get('s').v128Load().set('value');
          f.get('low').get('value').f64x2PromoteLowF32x4().f64x2Add().set('low');
          f.get('high')
            .get('value')
            .get('value')
            .shuffleF32([2, 3, 2, 3])
            .f64x2PromoteLowF32x4()
            .f64x2Add()
            .set('high');
        },
        () => f.get('rest').get('s').f32Load().f64PromoteF32().f64Add().set('rest'),
      );
      f.get('low').f64x2ExtractLane(0).get('low').f64x2ExtractLane(1).f64Add();
      f.get('high').f64x2ExtractLane(0).get('high').f64x2ExtractLane(1).f64Add().f64Add();
      f.get('rest').f64Add().set('total');
      f.get('sums').get('o').i32(8).mul().add().tee('end'); // `end` reused as the address of sums[o]
      f.get('end').f64Load().get('total').f64Add().f64Store();
    });
  });
  return f;
}

/**
 * The module's functions, exported under their names: those of `ConvExports`.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: convFunctions() });
 */
export function convFunctions(): ModuleSpec['functions'] {
  return [
    { name: 'copyPlanes', body: emitCopyPlanes() },
    { name: 'col2im', body: emitCol2im() },
    { name: 'channelSums', body: emitChannelSums() },
  ];
}
