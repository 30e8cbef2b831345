// The loop shape every streaming WebAssembly kernel here shares: four floats at a time while four
// remain, then one at a time. Imports only the encoder's types.
import type { FunctionBuilder } from './encoder.js';

const LANES = 4;
const F32_BYTES = 4;

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
export function elementLoop(f: FunctionBuilder, count: string, pointers: readonly string[], vector: () => void, scalar: () => void): void {
  const lead = pointers[0]!;
  f.get(lead).get(count).i32(-LANES).and().i32(F32_BYTES).mul().add().set('vectorEnd');
  f.get(lead).get(count).i32(F32_BYTES).mul().add().set('end');
  const advance = (bytes: number) => {
    for (const pointer of pointers) f.addTo(pointer, bytes);
  };
  f.block(() => {
    f.get(lead).get('vectorEnd').eq().brIf(0);
    f.loop(() => {
      vector();
      advance(LANES * F32_BYTES);
      f.get(lead).get('vectorEnd').ne().brIf(0);
    });
  });
  f.block(() => {
    f.get(lead).get('end').eq().brIf(0);
    f.loop(() => {
      scalar();
      advance(F32_BYTES);
      f.get(lead).get('end').ne().brIf(0);
    });
  });
}
