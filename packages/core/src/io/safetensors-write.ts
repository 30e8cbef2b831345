// Writes float32 tensors and string metadata as a safetensors file, byte for byte the reference writer's.
// Browser-safe: imports only the Tensor class and the format's facts; never the reader, never node: modules.
import { describeType, excerptJson } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import { codecs, HOST_IS_LITTLE_ENDIAN, isPlainRecord, swapBytes } from './safetensors-format.js';

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

function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}
