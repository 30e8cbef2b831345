// Hostile safetensors and checkpoint files (issue 19: 20, 24 and the size checks): a BOM before
// the header, huge names and values cut short in errors, shapes over the rank and element limits.
import { describe, expect, it } from 'vitest';
import { setMaxTensorElements } from '../kernels/element-limit.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { loadSafetensors } from './safetensors-read.js';
import { saveSafetensors } from './safetensors-write.js';

/** A file from a header text (padded with spaces to 8 bytes) and data bytes. */
function file(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const length = Math.ceil(text.length / 8) * 8;
  const bytes = new Uint8Array(8 + length + data.length).fill(0x20, 8, 8 + length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + length);
  return bytes;
}

/** The message of the error `read` throws; fails the test if it returns. */
function messageOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('loadSafetensors on hostile headers', () => {
  it('refuses a header that starts with a UTF-8 byte order mark, as the reference reader does (24)', () => {
    const valid = new TextEncoder().encode('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...valid]);
    expect(() => loadSafetensors(file(withBom, new Uint8Array(4)))).toThrow(
      "loadSafetensors: header starts with a UTF-8 byte order mark (EF BB BF); a safetensors header is JSON starting with '{' (the reference reader refuses it too)",
    );
    expect(loadSafetensors(file(valid, new Uint8Array(4))).tensors.a!.shape).toEqual([1]);
  });

  it('cuts names and values from the file to a bounded length in every error (20)', () => {
    const long = 'n'.repeat(1_000_000);
    const cases = [
      `{"${long}":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`,
      `{"a":{"dtype":"${long}","shape":[1],"data_offsets":[0,4]}}`,
      `{"a":{"dtype":"F32","shape":[${'1,'.repeat(500_000)}1],"data_offsets":[0,4]}}`,
      `{"a":{"dtype":"F32","shape":[1],"data_offsets":"${long}"}}`,
      `{"__metadata__":{"${long}":5}}`,
      `{"__metadata__":{"k":[${'1,'.repeat(500_000)}1]}}`,
      `{"a":"${long}"}`,
      `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
      `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}${long}`,
    ];
    for (const header of cases) {
      const message = messageOf(() => loadSafetensors(file(header, new Uint8Array(4))));
      expect(message.length, message.slice(0, 300)).toBeLessThan(400);
    }
  });

  it('refuses shapes of more than 64 axes and tensors over the element limit before decoding', () => {
    const deep = `{"a":{"dtype":"U8","shape":[${new Array(65).fill(1).join(',')}],"data_offsets":[0,1]}}`;
    expect(() => loadSafetensors(file(deep, new Uint8Array(1)))).toThrow(
      "tensor 'a': shape must be an array of at most 64 non-negative integers",
    );
    const previous = setMaxTensorElements(8);
    try {
      const nine = `{"a":{"dtype":"U8","shape":[3,3],"data_offsets":[0,9]}}`;
      expect(() => loadSafetensors(file(nine, new Uint8Array(9)))).toThrow(
        "loadSafetensors: tensor 'a': shape: shape [3,3] has 9 elements, over the limit of 8 (maxTensorElements)",
      );
    } finally {
      setMaxTensorElements(previous);
    }
  });
});

describe('decodeCheckpoint on hostile metadata (20)', () => {
  const model = { w: new Tensor(Float32Array.of(1), [1]) };

  it('cuts quoted format strings, names and values', () => {
    const huge = 'v'.repeat(300_000);
    const bytes = [
      saveSafetensors(model, { 'backprop.format': huge }),
      saveSafetensors(model, { [`backprop.${huge}`]: '1' }),
      saveSafetensors(model, { 'backprop.format': '1', 'backprop.training': `{"step":"${huge}"}` }),
      saveSafetensors(model, { 'backprop.format': '1', 'backprop.training': `{"step":${huge.replace(/v/g, '9')}}` }),
      saveSafetensors(model, { 'backprop.format': '1', 'backprop.spec': `[${huge}` }),
      saveSafetensors({ ...model, [`optimizer.state.${huge}`]: model.w }, { 'backprop.format': '1' }),
    ];
    for (const file of bytes) {
      const message = messageOf(() => decodeCheckpoint(file));
      expect(message.length, message.slice(0, 300)).toBeLessThan(400);
    }
    expect(messageOf(() => decodeCheckpoint(bytes[3]!))).toBe(
      "decodeCheckpoint: 'backprop.training': training.step must be a non-negative integer, got Infinity",
    );
  });

  it('still reads what it wrote', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint({ model, training: { step: 3 } }));
    expect(decoded.training).toEqual({ step: 3 });
  });
});
