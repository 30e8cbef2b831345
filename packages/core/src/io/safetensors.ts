// Safetensors files in memory: float32 tensors to bytes identical to the reference writer, and back.
// Browser-safe: imports only the Tensor class; must never import node: modules.
import { checkElements, MAX_TENSOR_RANK } from '../kernels/element-limit.js';
import { clip, describeType, excerpt, excerptJson } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';

// NOTE(safetensors-layout): the reference writer (huggingface/safetensors `tensor.rs`, `prepare`,
// used by `safetensors.torch.save_file`) sorts tensors by dtype, largest alignment first, then
// by name as bytes (UTF-8, i.e. code point order — not JavaScript's UTF-16 order), lays their
// data out contiguously in that order, and writes the header with serde_json (no spaces):
// `__metadata__` first, then each tensor as {"dtype","shape","data_offsets"}, padded with spaces
// to a multiple of 8 bytes. All our tensors are F32, so the order is by name alone. Checked
// against safetensors 0.8.0 (`safetensors.numpy.save`): see the golden tests.
// Two deliberate differences: the reference keeps `__metadata__` in a Rust HashMap, so its
// key order is random from run to run; we sort keys by code point (one of the orders it
// produces, and the only one for a single key). And for zero tensors with an empty metadata
// map the reference emits invalid JSON (`{},"__metadata__":{}}`); we write `{"__metadata__":{}}`.

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

/** What {@link loadSafetensors} returns: float32 tensors, the `__metadata__` strings, and each tensor's stored dtype. */
export interface SafetensorsContents {
  /** Tensors by name, in the order of their data in the file. Own copies: never views of the input bytes. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
  /** The dtype each tensor was stored as (`'F32'` for files written by {@link saveSafetensors}). */
  dtypes: Record<string, SafetensorsDtype>;
}

/** The reference reader's limit: a longer header is taken as corruption, not read. */
const MAX_HEADER_LENGTH = 100_000_000;

const BYTES_PER_ELEMENT: Readonly<Record<SafetensorsDtype, number>> = {
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
const SUPPORTED = Object.keys(BYTES_PER_ELEMENT).join(', ');

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

// TextEncoder/TextDecoder exist in every browser and in Node; reached through globalThis so that
// this file type-checks without DOM or Node typings.
interface TextCodecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (
    label: string,
    options: { fatal: boolean; ignoreBOM?: boolean },
  ) => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as TextCodecs;

/**
 * Serialises float32 tensors (and optional string metadata) as a safetensors file, byte for
 * byte what `safetensors.torch.save_file` writes for the same tensors: an 8-byte little-endian
 * header length, the JSON header padded with spaces to a multiple of 8, then each tensor's
 * little-endian float32 data, tensors ordered by name.
 *
 * @param tensors tensors by name (`__metadata__` is reserved); any shape, including `[]` and empty.
 * @param metadata free-form string → string annotations, stored as `__metadata__` (keys sorted).
 * @example
 * ```ts
 * const bytes = saveSafetensors({ 'layers.0.weight': randn([4, 2]) }, { format: 'pt' });
 * const { tensors, metadata } = loadSafetensors(bytes); // in Python: safetensors.torch.load(bytes)
 * ```
 */
export function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors as Record<string, Tensor>))];
  for (const [name, tensor] of entries) {
    checkName(name, 'tensor name');
    if (name === '__metadata__') {
      throw new Error("saveSafetensors: '__metadata__' is reserved by the format for metadata; rename the tensor");
    }
    if (!(tensor instanceof Tensor)) {
      throw new TypeError(`saveSafetensors: tensor '${name}' is not a Tensor (got ${describeType(tensor)})`);
    }
  }
  entries.sort(([left], [right]) => compareCodePoints(left, right));

  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${metadataJson(metadata)}`);
  let dataLength = 0;
  for (const [name, tensor] of entries) {
    const end = dataLength + tensor.data.byteLength;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"F32","shape":[${tensor.shape.join(',')}],"data_offsets":[${dataLength},${end}]}`,
    );
    dataLength = end;
  }
  const json = new codecs.TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const bytes = new Uint8Array(8 + headerLength + dataLength);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength); // spaces
  let position = 8 + headerLength;
  for (const [, tensor] of entries) {
    const data = tensor.data;
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, position, data.byteLength, 4);
    position += data.byteLength;
  }
  return bytes;
}

/**
 * Reads a safetensors file into float32 tensors, validating all of it first: header length,
 * UTF-8, JSON, dtypes, shapes against byte lengths, and that the tensors' data offsets tile the
 * data section exactly (no gap, overlap or trailing bytes). Throws a clear error on the first
 * problem and never returns a partial result.
 *
 * F32 is read bit-exactly. Other dtypes are converted to float32: F64, F16, BF16, integers
 * (I64/U64 beyond 2^24 and F64 round to the nearest float32) and BOOL (0/1); `dtypes` tells
 * which was stored. FP8 and sub-byte dtypes are refused. The tensors own copies of their values,
 * so the caller may reuse or overwrite `bytes` afterwards. Duplicate JSON keys are read like
 * JSON.parse does (the last wins); the offset checks then report the orphaned bytes.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors(bytes);
 * tensors['layers.0.weight'].shape; // [4, 2]
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`loadSafetensors: expected the file's bytes as a Uint8Array, got ${describeType(bytes)}`);
  }
  const fail = (message: string): never => {
    throw new Error(`loadSafetensors: ${message}`);
  };
  if (bytes.length < 8)
    fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length (empty or truncated file?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_LENGTH)) {
    fail(
      `header length ${declared} is over the format's limit of ${MAX_HEADER_LENGTH} bytes (corrupt or not a safetensors file?)`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    fail(
      `header length ${headerLength} exceeds file size ${bytes.length} (the header ends at byte ${8 + headerLength}; truncated file?)`,
    );
  }

  // NOTE(header-bom): TextDecoder drops a leading UTF-8 byte order mark by default, which let a
  // header starting EF BB BF pass as '{'. The format's header is JSON text starting with '{', and
  // the reference reader (Rust, serde_json::from_str) refuses a BOM as invalid JSON: so do we.
  if (bytes[8] === 0xef && bytes[9] === 0xbb && bytes[10] === 0xbf) {
    fail(
      "header starts with a UTF-8 byte order mark (EF BB BF); a safetensors header is JSON starting with '{' (the reference reader refuses it too)",
    );
  }
  let text = '';
  try {
    text = new codecs.TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
  } catch {
    fail('header is not valid UTF-8 (corrupt or not a safetensors file?)');
  }
  if (!text.startsWith('{'))
    fail(`header does not start with '{' (got ${excerpt(text.slice(0, 20))}; not a safetensors file?)`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid JSON (${clip((error as Error).message, 200)})`);
  }
  if (!isPlainRecord(header)) fail('header is not a JSON object');
  const record = header as Record<string, unknown>;

  const metadata: Record<string, string> = {};
  const rawMetadata = record['__metadata__'];
  if (rawMetadata !== undefined) {
    if (!isPlainRecord(rawMetadata)) fail(`__metadata__ must be an object of strings, got ${excerptJson(rawMetadata)}`);
    for (const [key, value] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof value !== 'string')
        fail(`__metadata__ value of '${clip(key)}' must be a string, got ${excerptJson(value)}`);
      defineEntry(metadata, key, value as string);
    }
  }

  const dataLength = bytes.length - 8 - headerLength;
  const infos = Object.entries(record)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, info]) => readTensorInfo(name, info, dataLength, fail));
  infos.sort((left, right) => left.begin - right.begin || left.end - right.end);
  let covered = 0;
  let previous: TensorInfo | undefined;
  for (const info of infos) {
    if (info.begin < covered) {
      fail(
        `tensors '${clip(previous!.name)}' [${previous!.begin},${previous!.end}] and '${clip(info.name)}' [${info.begin},${info.end}] overlap`,
      );
    }
    if (info.begin > covered) {
      const around = previous
        ? `between '${clip(previous.name)}' and '${clip(info.name)}'`
        : `before '${clip(info.name)}'`;
      fail(`bytes [${covered},${info.begin}) of the data section belong to no tensor (${around})`);
    }
    covered = info.end;
    previous = info;
  }
  if (covered !== dataLength) {
    fail(
      `the last ${dataLength - covered} bytes of the ${dataLength}-byte data section belong to no tensor (trailing bytes after the data?)`,
    );
  }

  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDtype> = {};
  const data = bytes.subarray(8 + headerLength);
  for (const info of infos) {
    const values = decode(info.dtype, data.subarray(info.begin, info.end));
    defineEntry(tensors, info.name, new Tensor(values, info.shape));
    defineEntry(dtypes, info.name, info.dtype);
  }
  return { tensors, metadata, dtypes };
}

interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function readTensorInfo(name: string, info: unknown, dataLength: number, fail: (message: string) => never): TensorInfo {
  const where = `tensor '${clip(name)}'`;
  if (!isPlainRecord(info))
    return fail(`${where}: expected {"dtype", "shape", "data_offsets"}, got ${excerptJson(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER_ELEMENT, dtype)) {
    return fail(`${where}: dtype ${excerptJson(dtype)} is not supported (supported: ${SUPPORTED})`);
  }
  if (!Array.isArray(shape) || shape.length > MAX_TENSOR_RANK || !shape.every(isIndex)) {
    return fail(
      `${where}: shape must be an array of at most ${MAX_TENSOR_RANK} non-negative integers, got ${excerptJson(shape)}`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    return fail(`${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${excerptJson(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    return fail(
      `${where}: data_offsets [${begin},${end}] reach past the end of the ${dataLength}-byte data section (truncated file?)`,
    );
  }
  const size = (shape as number[]).reduce((product, length) => product * length, 1);
  const needed = size * BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
  if (needed !== end - begin) {
    return fail(
      `${where}: shape [${shape.join(',')}] of ${dtype} needs ${needed} bytes, but data_offsets [${begin},${end}] hold ${end - begin}`,
    );
  }
  try {
    // Within the file's bytes, an F64 or I64 tensor still becomes twice as many float32 bytes.
    checkElements('shape', shape as number[]);
  } catch (error) {
    return fail(`${where}: ${(error as Error).message}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/** A fresh float32 array with a tensor's values, converted from `dtype` (never a view of `raw`). */
function decode(dtype: SafetensorsDtype, raw: Uint8Array): Float32Array {
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

function metadataJson(metadata: Readonly<Record<string, string>>): string {
  if (!isPlainRecord(metadata)) {
    throw new TypeError(`saveSafetensors: metadata must be a plain object of strings, got ${describeType(metadata)}`);
  }
  const keys = Object.keys(metadata).sort(compareCodePoints);
  for (const key of keys) {
    checkName(key, 'metadata key');
    const value = metadata[key];
    if (typeof value !== 'string' || !isWellFormed(value)) {
      throw new TypeError(
        `saveSafetensors: metadata value of '${key}' must be a well-formed string, got ${excerptJson(value)}; use JSON.stringify for other values`,
      );
    }
  }
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`).join(',')}}`;
}

function checkName(name: string, what: string): void {
  if (!isWellFormed(name)) {
    throw new Error(
      `saveSafetensors: ${what} ${JSON.stringify(name)} has an unpaired UTF-16 surrogate and cannot be written as UTF-8`,
    );
  }
}

/** Orders strings by Unicode code point — the order of their UTF-8 bytes, which the reference sorts by. */
function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const a = left.charCodeAt(i);
    const b = right.charCodeAt(i);
    // Surrogates (astral code points) move above U+E000–U+FFFF, where UTF-16 order puts them below.
    if (a !== b) return codePointRank(a) - codePointRank(b);
  }
  return left.length - right.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

function swapBytes(bytes: Uint8Array, start: number, length: number, width: number): void {
  for (let i = start; i < start + length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Sets an own property even for names like `__proto__`. */
function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}

function isIndex(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isPlainRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
