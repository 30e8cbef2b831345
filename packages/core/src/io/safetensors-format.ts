// The safetensors format's shared facts: its dtypes and their widths, byte order, text codecs, and
// the object checks both sides use. Imports nothing: the reader and the writer import it, never each other.

/** Element types of the safetensors format that {@link loadSafetensors} reads (converting to float32). */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'U64'
  | 'I32'
  | 'U32'
  | 'I16'
  | 'U16'
  | 'I8'
  | 'U8'
  | 'BOOL';

/** Bytes per element of each dtype the reader accepts. */
export const BYTES_PER_ELEMENT: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True on little-endian hosts; the format's data is little-endian, so only big-endian hosts swap bytes. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

// TextEncoder/TextDecoder exist in every browser and in Node; reached through globalThis so that
// this file type-checks without DOM or Node typings.
interface TextCodecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (
    label: string,
    options: { fatal: boolean; ignoreBOM?: boolean },
  ) => { decode(bytes: Uint8Array): string };
}
export const codecs = globalThis as unknown as TextCodecs;

export function swapBytes(bytes: Uint8Array, start: number, length: number, width: number): void {
  for (let i = start; i < start + length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Sets an own property even for names like `__proto__`. */
export function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isPlainRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
