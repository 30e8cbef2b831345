// saveSafetensors / loadSafetensors: golden bytes from the specification and the reference writer,
// round trips, and every load error.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors } from './safetensors-read.js';
import { saveSafetensors } from './safetensors-write.js';

const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);
const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));
const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));
const hex = (text: string) => (text.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
const bitsOf = (t: Tensor) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size));

/** A file from its parts: u64 LE header length, header text (padded with spaces to 8), data bytes. */
function file(header: string, data: number[] = [], pad = true): Uint8Array {
  const text = utf8(header);
  const length = pad ? Math.ceil(text.length / 8) * 8 : text.length;
  const bytes = new Uint8Array(8 + length + data.length).fill(0x20, 8, 8 + length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + length);
  return bytes;
}

describe('saveSafetensors: golden bytes', () => {
  it('writes the exact bytes of the specification for two tensors and metadata', () => {
    // Written out by hand: header length 152 = 0x98 (u64 LE), then the JSON header — metadata
    // first, tensors by name, serde_json's compact form — padded with 2 spaces to 152 bytes,
    // then a = [1, 2] and b = [[3, 4]] as float32 little-endian (1 = 0x3f800000, 2 = 0x40000000,
    // 3 = 0x40400000, 4 = 0x40800000). safetensors 0.8.0 (save_file / numpy.save) writes the same.
    const expected = [
      0x98,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"__metadata__":{"framework":"backprop"},'),
      ...ascii('"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'),
      ...ascii('"b":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]}}'),
      0x20,
      0x20,
      0x00,
      0x00,
      0x80,
      0x3f,
      0x00,
      0x00,
      0x00,
      0x40,
      0x00,
      0x00,
      0x40,
      0x40,
      0x00,
      0x00,
      0x80,
      0x40,
    ];
    expect(expected.length).toBe(8 + 152 + 16);
    const bytes = saveSafetensors({ b: f32([3, 4], [1, 2]), a: f32([1, 2], [2]) }, { framework: 'backprop' });
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('matches the reference crate’s own test vectors (tensor.rs test_serialization, test_empty)', () => {
    const attn = saveSafetensors({ 'attn.0': f32([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    expect(Array.from(attn)).toEqual([
      64,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'), // exactly 64: no padding
      0,
      0,
      0,
      0,
      0,
      0,
      128,
      63,
      0,
      0,
      0,
      64,
      0,
      0,
      64,
      64,
      0,
      0,
      128,
      64,
      0,
      0,
      160,
      64,
    ]);
    expect(Array.from(saveSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(saveSafetensors({}, { framework: 'pt' }))).toEqual([
      40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"__metadata__":{"framework":"pt"}}'),
      32,
      32,
      32,
      32,
      32,
    ]);
  });

  it('orders tensors by UTF-8 bytes like the reference (uppercase first, code points not UTF-16 units)', () => {
    // Order and offsets as written by safetensors 0.8.0 for the same names.
    const names = [
      'b',
      'B',
      'a.b',
      'a_b',
      'a-b',
      'a',
      'ab',
      '',
      'optimizer.state.0.exp_avg',
      'layers.0.weight',
      '\u{1F600}',
      '\uFF5E',
      'layers.10.weight',
      'layers.2.weight',
    ];
    const bytes = saveSafetensors(Object.fromEntries(names.map((name) => [name, f32([1], [1])])));
    const order = Object.keys(loadSafetensors(bytes).tensors);
    expect(order).toEqual([
      '',
      'B',
      'a',
      'a-b',
      'a.b',
      'a_b',
      'ab',
      'b',
      'layers.0.weight',
      'layers.10.weight',
      'layers.2.weight',
      'optimizer.state.0.exp_avg',
      '\uFF5E',
      '\u{1F600}',
    ]);
  });

  it('escapes names and metadata like serde_json, writes scalars and empty tensors, pads to 8', () => {
    const escaped = saveSafetensors({ 'q"\\\n\t\u0001\u007f/é': f32([1], [1]) }, { 'k\u2028': 'v\u001f</' });
    expect(Array.from(escaped)).toEqual(
      Array.from(
        file(
          '{"__metadata__":{"k\u2028":"v\\u001f</"},"q\\"\\\\\\n\\t\\u0001\u007f/é":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
          hex('0000803f'),
        ),
      ),
    );
    const scalar = saveSafetensors({ s: f32([5], []), e: new Tensor(new Float32Array(0), [0, 3]) });
    expect(Array.from(scalar)).toEqual(
      Array.from(
        file(
          '{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}',
          hex('0000a040'),
        ),
      ),
    );
    expect(new DataView(scalar.buffer).getUint32(0, true)).toBe(112);
  });

  it('keeps every float bit: NaN, -0, ±Infinity, subnormals', () => {
    const special = f32([0.1, -0, Infinity, NaN], [4]);
    expect(Array.from(saveSafetensors({ x: special }).slice(-16))).toEqual(hex('cdcccc3d000000800000807f0000c07f'));
    const bits = Uint32Array.of(0x7fc00001, 0xffffffff, 0x00000001, 0x80000000, 0xff800000);
    const tensor = new Tensor(new Float32Array(bits.buffer), [5]);
    expect(bitsOf(loadSafetensors(saveSafetensors({ t: tensor })).tensors.t!)).toEqual(Array.from(bits));
  });

  it('refuses what it cannot write faithfully', () => {
    expect(() => saveSafetensors({ __metadata__: f32([1], [1]) })).toThrow("'__metadata__' is reserved");
    expect(() => saveSafetensors({ x: [1, 2] as unknown as Tensor })).toThrow("tensor 'x' is not a Tensor");
    expect(() => saveSafetensors({ 'bad\uD800': f32([1], [1]) })).toThrow('unpaired UTF-16 surrogate');
    expect(() => saveSafetensors({}, { epoch: 3 as unknown as string })).toThrow(
      "metadata value of 'epoch' must be a well-formed string",
    );
  });
});

describe('loadSafetensors: round trips', () => {
  it('round-trips many tensors of many shapes, a Map, metadata, and views into larger buffers', () => {
    const generator = new Generator(7);
    const tensors = new Map<string, Tensor>();
    for (let i = 0; i < 60; i++) {
      const shape = Array.from({ length: i % 4 }, (_, axis) => 1 + ((i + axis) % 3));
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => generator.normal());
      tensors.set(`layers.${i}.weight`, new Tensor(values, shape));
    }
    const backing = new Float32Array(10).fill(9);
    tensors.set('view', new Tensor(backing.subarray(3, 7), [2, 2])); // byteOffset 12
    const metadata = { format: 'pt', note: 'ünïcødé ✓', empty: '' };
    const loaded = loadSafetensors(saveSafetensors(tensors, metadata));
    expect(loaded.metadata).toEqual(metadata);
    expect(Object.keys(loaded.tensors).sort()).toEqual([...tensors.keys()].sort());
    for (const [name, tensor] of tensors) {
      expect(loaded.tensors[name]!.shape).toEqual(tensor.shape);
      expect(bitsOf(loaded.tensors[name]!)).toEqual(bitsOf(tensor));
      expect(loaded.dtypes[name]).toBe('F32');
    }
  });

  it('round-trips no tensors, empty metadata, a scalar, empty shapes and awkward names', () => {
    expect(loadSafetensors(saveSafetensors({}))).toEqual({ tensors: {}, metadata: {}, dtypes: {} });
    // The reference writes invalid JSON here ('{},"__metadata__":{}}'); we write valid JSON.
    expect(new TextDecoder().decode(saveSafetensors({}, {}).slice(8)).trimEnd()).toBe('{"__metadata__":{}}');
    expect(loadSafetensors(saveSafetensors({}, {})).metadata).toEqual({});
    const loaded = loadSafetensors(
      saveSafetensors({ s: f32([-2.5], []), e: new Tensor(new Float32Array(0), [3, 0, 2]), __proto__x: f32([1], [1]) }),
    );
    expect(loaded.tensors.s!.shape).toEqual([]);
    expect(loaded.tensors.s!.item()).toBe(-2.5);
    expect(loaded.tensors.e!.shape).toEqual([3, 0, 2]);
    const proto = loadSafetensors(
      saveSafetensors(new Map([['__proto__', f32([4], [1])]]), { ['__proto__']: 'x' } as Record<string, string>),
    );
    expect(Object.keys(proto.tensors)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(proto.tensors, '__proto__')!.value).toBeInstanceOf(Tensor);
    expect(Object.getPrototypeOf(proto.tensors)).toBe(Object.prototype);
  });

  it('copies: the tensors survive the caller reusing the input bytes, at any byte offset', () => {
    const bytes = saveSafetensors({ w: f32([1, 2, 3], [3]) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const input = shifted.subarray(3); // not 4-byte aligned
    const { tensors } = loadSafetensors(input);
    input.fill(0);
    expect(Array.from(tensors.w!.data)).toEqual([1, 2, 3]);
  });

  it('converts other dtypes to float32 and reports them', () => {
    // F64/F32/F16/U8 exactly as safetensors 0.8.0 writes numpy arrays of ones (largest alignment first).
    const reference = file(
      '{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"w":{"dtype":"F16","shape":[1],"data_offsets":[12,14]},"z":{"dtype":"U8","shape":[1],"data_offsets":[14,15]}}',
      hex('000000000000f03f0000803f003c01'),
    );
    const loaded = loadSafetensors(reference);
    expect(loaded.dtypes).toEqual({ x: 'F64', y: 'F32', w: 'F16', z: 'U8' });
    for (const name of ['x', 'y', 'w', 'z']) expect(Array.from(loaded.tensors[name]!.data)).toEqual([1]);

    const entries: [string, string, number[], number[]][] = [
      ['BF16', '1.5,-2', hex('c03f00c0'), [1.5, -2]],
      ['F16', 'specials', hex('0100ff7b00fc00bc'), [2 ** -24, 65504, -Infinity, -1]],
      ['I64', '-3,2^40', hex('fdffffffffffffff' + '0000000000010000'), [-3, 2 ** 40]],
      ['U64', '7', hex('0700000000000000'), [7]],
      ['I32', '-5', hex('fbffffff'), [-5]],
      ['U32', '2^32-1', hex('ffffffff'), [2 ** 32]], // rounds to the nearest float32
      ['I16', '-2', hex('feff'), [-2]],
      ['U16', '65535', hex('ffff'), [65535]],
      ['I8', '-128', hex('80'), [-128]],
      ['BOOL', 'true,false,2', hex('010002'), [1, 0, 1]],
    ];
    for (const [dtype, , data, values] of entries) {
      const header = `{"t":{"dtype":"${dtype}","shape":[${values.length}],"data_offsets":[0,${data.length}]}}`;
      const { tensors } = loadSafetensors(file(header, data));
      expect([dtype, Array.from(tensors.t!.data)]).toEqual([dtype, values]);
    }
    const nan = loadSafetensors(file('{"t":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', hex('007e'))).tensors.t!;
    expect(Number.isNaN(nan.item())).toBe(true);
  });

  it('reads a header without padding and tensors stored in any order of names', () => {
    const bytes = file(
      '{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}',
      hex('0000803f00000040'),
      false,
    );
    const { tensors } = loadSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['b', 'a']);
    expect(tensors.a!.item()).toBe(2);
  });
});

describe('loadSafetensors: errors', () => {
  const good = saveSafetensors({ a: f32([1, 2], [2]), b: f32([3], [1]) });
  const entry = (name: string, dtype: string, shape: string, offsets: string) =>
    `"${name}":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;

  it('names truncation and bad header lengths', () => {
    expect(() => loadSafetensors(new Uint8Array(0))).toThrow(
      'loadSafetensors: file is 0 bytes, shorter than the 8-byte header length',
    );
    expect(() => loadSafetensors(good.subarray(0, 5))).toThrow('file is 5 bytes');
    const long = new Uint8Array(100);
    new DataView(long.buffer).setUint32(0, 1234, true);
    expect(() => loadSafetensors(long)).toThrow(
      'loadSafetensors: header length 1234 exceeds file size 100 (the header ends at byte 1242; truncated file?)',
    );
    expect(() => loadSafetensors(good.subarray(0, 30))).toThrow('header length 112 exceeds file size 30');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => loadSafetensors(huge)).toThrow(
      `header length ${2n ** 63n} is over the format's limit of 100000000 bytes`,
    );
    expect(() => loadSafetensors(good.subarray(0, good.length - 1))).toThrow(
      "tensor 'b': data_offsets [8,12] reach past the end of the 11-byte data section (truncated file?)",
    );
    expect(() => loadSafetensors('not bytes' as unknown as Uint8Array)).toThrow(
      "expected the file's bytes as a Uint8Array",
    );
  });

  it('names bad UTF-8, non-JSON and non-object headers', () => {
    const bad = file('{}');
    bad[9] = 0xff;
    expect(() => loadSafetensors(bad)).toThrow('loadSafetensors: header is not valid UTF-8');
    expect(() => loadSafetensors(file('[1,2]'))).toThrow("header does not start with '{'");
    expect(() => loadSafetensors(file('{"a":'))).toThrow(/loadSafetensors: header is not valid JSON \(.+\)/);
    expect(() => loadSafetensors(file('{},"__metadata__":{}}'))).toThrow('header is not valid JSON');
    expect(() => loadSafetensors(file('{"__metadata__":[]}'))).toThrow('__metadata__ must be an object of strings');
    expect(() => loadSafetensors(file('{"__metadata__":{"step":3}}'))).toThrow(
      "__metadata__ value of 'step' must be a string, got 3",
    );
    expect(() => loadSafetensors(file('{"a":[1]}'))).toThrow(`tensor 'a': expected {"dtype", "shape", "data_offsets"}`);
  });

  it('names unsupported dtypes and bad shapes or offsets', () => {
    expect(() => loadSafetensors(file(`{${entry('a', 'F8_E4M3', '[1]', '[0,1]')}}`, [0]))).toThrow(
      'tensor \'a\': dtype "F8_E4M3" is not supported (supported: F64, F32, F16, BF16, I64, U64, I32, U32, I16, U16, I8, U8, BOOL)',
    );
    expect(() => loadSafetensors(file(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, [0, 0, 0, 0]))).toThrow(
      'dtype undefined is not supported',
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[-1]', '[0,4]')}}`, [0, 0, 0, 0]))).toThrow(
      "tensor 'a': shape must be an array of at most 64 non-negative integers, got [-1]",
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[1.5]', '[0,4]')}}`, [0, 0, 0, 0]))).toThrow(
      'shape must be an array of at most 64 non-negative integers',
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[1]', '[4,0]')}}`, [0, 0, 0, 0]))).toThrow(
      "tensor 'a': data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got [4,0]",
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[1]', '[0]')}}`, [0, 0, 0, 0]))).toThrow(
      'data_offsets must be [begin, end]',
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[2,3]', '[0,20]')}}`, new Array(20).fill(0)))).toThrow(
      "tensor 'a': shape [2,3] of F32 needs 24 bytes, but data_offsets [0,20] hold 20",
    );
  });

  it('names overlaps, gaps and bytes that belong to no tensor', () => {
    const data = new Array(12).fill(0);
    expect(() =>
      loadSafetensors(file(`{${entry('a', 'F32', '[2]', '[0,8]')},${entry('b', 'F32', '[2]', '[4,12]')}}`, data)),
    ).toThrow("loadSafetensors: tensors 'a' [0,8] and 'b' [4,12] overlap");
    expect(() =>
      loadSafetensors(file(`{${entry('a', 'F32', '[1]', '[0,4]')},${entry('b', 'F32', '[1]', '[8,12]')}}`, data)),
    ).toThrow("bytes [4,8) of the data section belong to no tensor (between 'a' and 'b')");
    expect(() => loadSafetensors(file(`{${entry('b', 'F32', '[1]', '[4,8]')}}`, data.slice(0, 8)))).toThrow(
      "bytes [0,4) of the data section belong to no tensor (before 'b')",
    );
    expect(() => loadSafetensors(file(`{${entry('a', 'F32', '[1]', '[0,4]')}}`, data))).toThrow(
      'the last 8 bytes of the 12-byte data section belong to no tensor',
    );
    expect(() => loadSafetensors(file('{}', [0]))).toThrow(
      'the last 1 bytes of the 1-byte data section belong to no tensor',
    );
    // A duplicated key: JSON.parse keeps the last, and the bytes of the first are then orphaned.
    expect(() =>
      loadSafetensors(
        file(`{${entry('a', 'F32', '[1]', '[0,4]')},${entry('a', 'F32', '[1]', '[4,8]')}}`, data.slice(0, 8)),
      ),
    ).toThrow("bytes [0,4) of the data section belong to no tensor (before 'a')");
  });
});
