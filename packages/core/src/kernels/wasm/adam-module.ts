// Emits the WebAssembly module of Adam's update (with and without AMSGrad): the TypeScript loop's
// float64 arithmetic, operation for operation, two values at a time in f64x2 lanes. Imports only
// the encoder and its loop helpers.
import { paddedLoop } from './element-loop.js';
import { F64, I32, V128, type ValueType } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import type { ModuleSpec } from './module-writer.js';

/** The float64 scalars of one update, in the order the exports take them after the count. */
export const ADAM_SCALARS = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'stepSize',
  'correction2Sqrt',
  'eps',
  'decay',
  'weightDecay',
] as const;

type Scalars = [
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  stepSize: number,
  correction2Sqrt: number,
  eps: number,
  decay: number,
  weightDecay: number,
];

/**
 * The module's exports, as JavaScript sees them: byte addresses of float32 regions padded to an
 * even count, the count in floats, then `ADAM_SCALARS`. Each updates `values`, `expAvg`,
 * `expAvgSq` (and `maxExpAvgSq`) in place, as `adamKernelJs` in ../adam.ts does.
 */
export interface AdamExports {
  adam(values: number, gradient: number, expAvg: number, expAvgSq: number, count: number, ...scalars: Scalars): void;
  adamAmsgrad(
    values: number,
    gradient: number,
    expAvg: number,
    expAvgSq: number,
    maxExpAvgSq: number,
    count: number,
    ...scalars: Scalars
  ): void;
}

/**
 * NOTE(adam-lanes): each value goes through the TypeScript loop's operations in its order — f32
 * loads promoted to f64 (exact), f64x2 mul/add/sub/div/sqrt/max (each correctly rounded, no fused
 * multiply-add), and every `Math.fround` or float32 store a `f32x4.demote_f64x2_zero` (round to
 * nearest even, as V8 rounds) — so the two give the same bits. Two values per iteration: loads of 8
 * bytes (`v128.load64_zero`) and stores of lanes 0–1 (`v128.store64_lane`).
 */
function emitAdam(amsgrad: boolean): FunctionBuilder {
  const arrays = ['values', 'gradient', 'expAvg', 'expAvgSq', ...(amsgrad ? ['maxExpAvgSq'] : [])];
  const params: Record<string, ValueType> = Object.fromEntries(arrays.map((name) => [name, I32]));
  params.count = I32;
  for (const name of ADAM_SCALARS) params[name] = F64;
  const lanes: Record<string, ValueType> = Object.fromEntries(ADAM_SCALARS.map((name) => [`${name}Lanes`, V128]));
  const f = new FunctionBuilder(params, [], { end: I32, ...lanes, w: V128, g: V128, m: V128, v: V128 });
  for (const name of ADAM_SCALARS) f.get(name).f64x2Splat().set(`${name}Lanes`);

  const load = (array: string) => f.get(array).v128Load64Zero().f64x2PromoteLowF32x4();
  const roundToF32 = () => f.f32x4DemoteF64x2Zero().f64x2PromoteLowF32x4();
  const store = (array: string, local: string) => f.get(array).get(local).f32x4DemoteF64x2Zero().v128Store64Lane0();

  paddedLoop(f, 'count', arrays, 2, () => {
    // w = fround(values · decay)
    load('values').get('decayLanes').f64x2Mul();
    roundToF32().set('w');
    // g = gradient + weightDecay · w
    load('gradient').get('weightDecayLanes').get('w').f64x2Mul().f64x2Add().set('g');
    // m = fround(β₁ · expAvg + (1 − β₁) · g): stored, and used rounded
    f.get('beta1Lanes');
    load('expAvg').f64x2Mul().get('oneMinusBeta1Lanes').get('g').f64x2Mul().f64x2Add();
    roundToF32().set('m');
    // v = fround(β₂ · expAvgSq + ((1 − β₂) · g) · g)
    f.get('beta2Lanes');
    load('expAvgSq').f64x2Mul().get('oneMinusBeta2Lanes').get('g').f64x2Mul().get('g').f64x2Mul().f64x2Add();
    roundToF32().set('v');
    store('expAvg', 'm');
    store('expAvgSq', 'v');
    if (amsgrad) {
      // v = max(maxExpAvgSq, v), both float32 values, so the store is exact
      load('maxExpAvgSq').get('v').f64x2Max().set('v');
      store('maxExpAvgSq', 'v');
    }
    // values = w − (stepSize · m) / (√v / √(1 − β₂ᵗ) + ε)
    f.get('values').get('w');
    f.get('stepSizeLanes').get('m').f64x2Mul();
    f.get('v').f64x2Sqrt().get('correction2SqrtLanes').f64x2Div().get('epsLanes').f64x2Add();
    f.f64x2Div().f64x2Sub().f32x4DemoteF64x2Zero().v128Store64Lane0();
  });
  return f;
}

/**
 * The module's functions, exported under their names: those of `AdamExports`.
 *
 * @example
 * const bytes = encodeModule({ memory: { module: 'env', name: 'memory', initialPages: 64, maximumPages: 16384, shared: true }, functions: adamFunctions() });
 */
export function adamFunctions(): ModuleSpec['functions'] {
  return [
    { name: 'adam', body: emitAdam(false) },
    { name: 'adamAmsgrad', body: emitAdam(true) },
  ];
}
