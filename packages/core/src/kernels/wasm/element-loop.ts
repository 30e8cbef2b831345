// The loop shapes every streaming WebAssembly kernel here shares: four floats at a time while four
// remain, then one at a time (elementLoop); or whole vectors over a count rounded up, for regions
// padded to match (paddedLoop). Imports only the encoder's types.
import type { FunctionBuilder } from './function-builder.js';

const LANES = 4;
const F32_BYTES = 4;

/**
 * Emits `while (lead ≠ end) { body(); advance every pointer by `bytes` }` where `lead` is the first
 * of `pointers` and `end` the name of an i32 local holding its final address.
 */
function loopTo(f: FunctionBuilder, pointers: readonly string[], end: string, bytes: number, body: () => void): void {
  const lead = pointers[0]!;
  f.block(() => {
    f.get(lead).get(end).eq().brIf(0);
    f.loop(() => {
      body();
      for (const pointer of pointers) f.addTo(pointer, bytes);
      f.get(lead).get(end).ne().brIf(0);
    });
  });
}

/**
 * Emits a loop over `count` (the name of an i32 local) floats from the byte pointers `pointers`
 * (i32 locals, advanced together): `vector` runs per four floats while at least four remain,
 * `scalar` per float for the rest. Needs i32 locals `vectorEnd` and `end` in `f`.
 *
 * @example
 * elementLoop(f, 'count', ['x'],
 *   () => f.get('x').get('x').v128Load().get('zero').f32x4Max().v128Store(),
 *   () => f.get('x').get('x').f32Load().f32(0).f32Max().f32Store());
 */
export function elementLoop(
  f: FunctionBuilder,
  count: string,
  pointers: readonly string[],
  vector: () => void,
  scalar: () => void,
): void {
  const lead = pointers[0]!;
  f.get(lead).get(count).i32(-LANES).and().i32(F32_BYTES).mul().add().set('vectorEnd');
  f.get(lead).get(count).i32(F32_BYTES).mul().add().set('end');
  loopTo(f, pointers, 'vectorEnd', LANES * F32_BYTES, vector);
  loopTo(f, pointers, 'end', F32_BYTES, scalar);
}

/**
 * Emits a loop that runs `body` per `lanes` floats over `count` floats rounded up to a multiple of
 * `lanes` (a power of two), advancing the byte pointers `pointers` together: no scalar tail, so
 * every region it reads or writes must be padded to that multiple (the padding's values are
 * computed and never copied out; `roundUp(count, lanes)` of runtime.ts floats). Needs an i32 local
 * `end` in `f`.
 *
 * @example
 * paddedLoop(f, 'count', ['x'], 4, () => f.get('x').get('x').v128Load().get('zero').f32x4Max().v128Store());
 */
export function paddedLoop(
  f: FunctionBuilder,
  count: string,
  pointers: readonly string[],
  lanes: number,
  body: () => void,
): void {
  f.get(pointers[0]!)
    .get(count)
    .i32(lanes - 1)
    .add()
    .i32(-lanes)
    .and()
    .i32(F32_BYTES)
    .mul()
    .add()
    .set('end');
  loopTo(f, pointers, 'end', lanes * F32_BYTES, body);
}
