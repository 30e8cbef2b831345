// The WebAssembly encoder: LEB128 against the spec's examples, and a module it writes that the
// engine validates and runs (SIMD instructions included).
import { describe, expect, it } from 'vitest';
import { F32, I32, signedLeb128, unsignedLeb128, V128 } from './binary-values.js';
import { FunctionBuilder } from './function-builder.js';
import { encodeModule } from './module-writer.js';

/** The part of the WebAssembly JS API the test uses (the core's tsconfig has no DOM lib). */
const api = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => number> };
    };
  }
).WebAssembly;

describe('LEB128', () => {
  it('encodes unsigned values 7 bits at a time, low bits first', () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(127)).toEqual([0x7f]);
    expect(unsignedLeb128(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => unsignedLeb128(-1)).toThrow(/unsignedLeb128: expected an integer in \[0, 2³²\), got -1/);
  });

  it('encodes signed values until only sign bits remain', () => {
    expect(signedLeb128(0)).toEqual([0x00]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-1)).toEqual([0x7f]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(signedLeb128(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => signedLeb128(2 ** 31)).toThrow(/signedLeb128/);
  });
});

describe('encodeModule', () => {
  it('writes a module that validates and runs: loops, branches, memory and f32x4 arithmetic', () => {
    // sum4(ptr, count): adds `count` f32x4 vectors from ptr, lane-wise, into the vector at ptr − 16
    // (a v128 local accumulates them; the loop exits through br_if).
    const sum4 = new FunctionBuilder({ ptr: I32, count: I32 }, [], { total: V128, i: I32 });
    sum4.block(() => {
      sum4.get('count').eqz().brIf(0);
      sum4.loop(() => {
        sum4.get('total').get('ptr').v128Load().f32x4Add().set('total');
        sum4.addTo('ptr', 16);
        sum4.addTo('i', 1);
        sum4.get('i').get('count').ltU().brIf(0);
      });
    });
    sum4.i32(0).get('total').v128Store();
    // twice(x): 2·x through a product with a splat, read back as an f32.
    const twice = new FunctionBuilder({ x: I32 }, [F32], {});
    twice.i32(16).get('x').v128Load32Splat().i32(32).v128Load().f32x4Mul().v128Store();
    twice.i32(16).f32Load();
    const bytes = encodeModule({
      memory: { module: 'env', name: 'memory', initialPages: 1, maximumPages: 1, shared: false },
      functions: [
        { name: 'sum4', body: sum4 },
        { name: 'twice', body: twice },
      ],
    });
    expect(api.validate(bytes)).toBe(true);
    const memory = new api.Memory({ initial: 1, maximum: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    const floats = new Float32Array(memory.buffer);
    floats.set([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400], 4);
    exports.sum4!(16, 3);
    expect(Array.from(floats.subarray(0, 4))).toEqual([111, 222, 333, 444]);
    floats.set([2, 2, 2, 2], 8); // the multiplier at byte 32
    floats[100] = 21;
    expect(exports.twice!(400)).toBe(42);
  });

  it('rejects names the encoder cannot write', () => {
    const body = new FunctionBuilder({}, [], {});
    expect(() =>
      encodeModule({
        memory: { module: 'env', name: 'mémoire', initialPages: 1, maximumPages: 1, shared: false },
        functions: [{ name: 'f', body }],
      }),
    ).toThrow(/encodeModule: name 'mémoire' is not ASCII/);
    expect(() => body.get('missing')).toThrow(/FunctionBuilder: unknown local 'missing'/);
  });
});
