// Reads a safetensors file from memory into float32 tensors: the validated header, then each tensor's data.
// Browser-safe: imports only the Tensor class and the format's reader parts; never the writer, never node: modules.
import { describeType } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeTensorData } from './safetensors-decode.js';
import { defineEntry, type SafetensorsDtype } from './safetensors-format.js';
import { readSafetensorsHeader } from './safetensors-header.js';

/** What {@link loadSafetensors} returns: float32 tensors, the `__metadata__` strings, and each tensor's stored dtype. */
export interface SafetensorsContents {
  /** Tensors by name, in the order of their data in the file. Own copies: never views of the input bytes. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
  /** The dtype each tensor was stored as (`'F32'` for files written by {@link saveSafetensors}). */
  dtypes: Record<string, SafetensorsDtype>;
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
  const { headerLength, metadata, tensors: infos } = readSafetensorsHeader(bytes, fail);

  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDtype> = {};
  const data = bytes.subarray(8 + headerLength);
  for (const info of infos) {
    const values = decodeTensorData(info.dtype, data.subarray(info.begin, info.end));
    defineEntry(tensors, info.name, new Tensor(values, info.shape));
    defineEntry(dtypes, info.name, info.dtype);
  }
  return { tensors, metadata, dtypes };
}
