// Decodes one tensor's raw little-endian bytes of any safetensors dtype into a fresh Float32Array.
// Imports only the format's facts; knows nothing of headers, files or Tensor.
import { BYTES_PER_ELEMENT, HOST_IS_LITTLE_ENDIAN, type SafetensorsDtype, swapBytes } from './safetensors-format.js';

/** A fresh float32 array with a tensor's values, converted from `dtype` (never a view of `raw`). */
export function decodeTensorData(dtype: SafetensorsDtype, raw: Uint8Array): Float32Array {
  const count = raw.length / BYTES_PER_ELEMENT[dtype];
  const out = new Float32Array(count);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'F32': {
      // Copy bytes rather than numbers: keeps every bit, NaN payloads included.
      const copy = new Uint8Array(out.buffer);
      copy.set(raw);
      if (!HOST_IS_LITTLE_ENDIAN) swapBytes(copy, 0, copy.length, 4);
      return out;
    }
    case 'BF16': {
      const bits = new DataView(out.buffer);
      for (let i = 0; i < count; i++) bits.setUint32(i * 4, view.getUint16(i * 2, true) << 16, HOST_IS_LITTLE_ENDIAN);
      return out;
    }
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(i * 2, true));
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    case 'U64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      return out;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
      return out;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
      return out;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      return out;
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i) === 0 ? 0 : 1;
      return out;
  }
}

/** IEEE 754 binary16 bits → number (exact: every half is a float32). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
