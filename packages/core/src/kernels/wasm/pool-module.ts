// Emits the WebAssembly module of max pooling: four outputs of a row at a time, with the index of
// each winner, for horizontal strides 1 and 2 without padding. Imports only the encoder.
import { I32, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

const LANES = 4;
const F32_BYTES = 4;

/** The module's exports, as JavaScript sees them (addresses in bytes). */
export interface PoolExports {
  /**
   * Max pooling of `planes` planes [height × width] at `input` into [outHeight × outWidth] planes
   * at `out`, and each winner's float index from `input` at `argmax` (i32). Horizontal stride 1
   * (`maxPoolStride1`) or 2 (`maxPoolStride2`), no padding, outWidth ≥ 4; reads up to 7 floats
   * past the input.
   */
  maxPoolStride1: MaxPool;
  maxPoolStride2: MaxPool;
}

type MaxPool = (
  input: number,
  out: number,
  argmax: number,
  planes: number,
  height: number,
  width: number,
  kernelHeight: number,
  kernelWidth: number,
  strideHeight: number,
  outHeight: number,
  outWidth: number,
) => void;

// NOTE(simd-max-pool): the TypeScript loop branches on every comparison, and with data that goes
// either way (ReLU outputs) the branch predictor misses often. Here four outputs of a row are one
// f32x4 each: a window element wins a lane where it is greater, or NaN while the best so far is not
// (the first NaN stays, as in PyTorch), and bitselect moves value and index without a branch. The
// elements are visited in the TypeScript kernel's order and compared the same way, so values and
// indices are identical to it. A row whose width is not a multiple of four ends with a chunk
// shifted back to outWidth − 4, which recomputes a few outputs (the same values again). Padding,
// other strides and outputs narrower than four stay on the TypeScript kernel; so does the backward
// pass, a scatter-add with no branch to miss (figures: docs/performance.md).

function emitMaxPool(stride: 1 | 2): FunctionBuilder {
  const f = new FunctionBuilder(
    {
      input: I32,
      out: I32,
      argmax: I32,
      planes: I32,
      height: I32,
      width: I32,
      kernelHeight: I32,
      kernelWidth: I32,
      strideHeight: I32,
      outHeight: I32,
      outWidth: I32,
    },
    [],
    {
      plane: I32,
      oh: I32,
      ow: I32,
      chunk: I32,
      corner: I32,
      kh: I32,
      kw: I32,
      index: I32,
      offset: I32,
      lanes: V128,
      best: V128,
      bestIndex: V128,
      value: V128,
      wins: V128,
    },
  );
  /** Pushes the four floats of lanes 0…3 whose first is float `index` of the input. */
  const loadLanes = () => {
    f.get('input').get('index').i32(2).shl().add().set('offset');
    if (stride === 1) f.get('offset').v128Load();
    else
      f.get('offset')
        .v128Load()
        .get('offset')
        .v128Load(LANES * F32_BYTES)
        .shuffleF32([0, 2, 4, 6]);
  };
  f.i32x4Const(stride === 1 ? [0, 1, 2, 3] : [0, 2, 4, 6]).set('lanes');
  f.countUp('plane', 'planes', () => {
    f.countUp('oh', 'outHeight', () => {
      f.i32(0).set('ow');
      f.loop(() => {
        // chunk = min(ow, outWidth − 4): the last chunk of a row is shifted back.
        f.get('ow')
          .get('outWidth')
          .i32(LANES)
          .sub()
          .get('ow')
          .get('outWidth')
          .i32(LANES - 1)
          .sub()
          .ltU()
          .select();
        f.set('chunk');
        f.get('plane').get('height').mul().get('oh').get('strideHeight').mul().add().get('width').mul();
        f.get('chunk').i32(stride).mul().add().tee('corner').set('index');
        loadLanes();
        f.set('best');
        f.get('corner').i32x4Splat().get('lanes').i32x4Add().set('bestIndex');
        f.countUp('kh', 'kernelHeight', () => {
          f.countUp('kw', 'kernelWidth', () => {
            f.get('corner').get('kh').get('width').mul().add().get('kw').add().set('index');
            loadLanes();
            f.tee('value').get('best').f32x4Gt();
            f.get('value').get('value').f32x4Ne().get('best').get('best').f32x4Eq().v128And();
            f.v128Or().set('wins');
            f.get('value').get('best').get('wins').v128Bitselect().set('best');
            f.get('index')
              .i32x4Splat()
              .get('lanes')
              .i32x4Add()
              .get('bestIndex')
              .get('wins')
              .v128Bitselect()
              .set('bestIndex');
          });
        });
        f.get('plane')
          .get('outHeight')
          .mul()
          .get('oh')
          .add()
          .get('outWidth')
          .mul()
          .get('chunk')
          .add()
          .i32(F32_BYTES)
          .mul()
          .set('offset');
        f.get('out').get('offset').add().get('best').v128Store();
        f.get('argmax').get('offset').add().get('bestIndex').v128Store();
        f.addTo('ow', LANES);
        f.get('ow').get('outWidth').ltU().brIf(0);
      });
    });
  });
  return f;
}

/**
 * The module's functions, exported under their names: those of `PoolExports`.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: poolFunctions() });
 */
export function poolFunctions(): ModuleSpec['functions'] {
  return [
    { name: 'maxPoolStride1', body: emitMaxPool(1) },
    { name: 'maxPoolStride2', body: emitMaxPool(2) },
  ];
}
