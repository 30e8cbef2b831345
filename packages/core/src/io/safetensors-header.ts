// Reads and validates a safetensors header: its length, text, JSON, metadata, each tensor's entry, and
// that the entries tile the data section exactly. Decodes no tensor data; never imports node: modules.
import { checkElements, MAX_TENSOR_RANK } from '../kernels/element-limit.js';
import { clip, excerpt, excerptJson } from '../tensor/describe.js';
import { BYTES_PER_ELEMENT, codecs, defineEntry, isPlainRecord, type SafetensorsDtype } from './safetensors-format.js';

/** The reference reader's limit: a longer header is taken as corruption, not read. */
const MAX_HEADER_LENGTH = 100_000_000;

const SUPPORTED = Object.keys(BYTES_PER_ELEMENT).join(', ');

/** One tensor's header entry, checked against the data section's length. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: where the data section starts, the metadata, and the tensors' entries in data order. */
export interface SafetensorsHeader {
  /** The header's length in bytes; the data section starts at byte 8 + headerLength. */
  headerLength: number;
  /** The header's `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
  /** The tensors' entries sorted by their data offsets; together they cover the data section exactly. */
  tensors: TensorInfo[];
}

/**
 * Parses and checks the header of the safetensors file in `bytes`, reporting the first problem through
 * `fail` (which throws). The data section is only measured, never read.
 */
export function readSafetensorsHeader(bytes: Uint8Array, fail: (message: string) => never): SafetensorsHeader {
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
  return { headerLength, metadata, tensors: infos };
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

function isIndex(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
