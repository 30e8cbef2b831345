// Core's readers as fuzz targets, their valid seed inputs, a seeded mutator (truncation, bit flips,
// huge sizes, deep nesting) and the verdict on an outcome. Shared by the fuzz test and scripts/.
import { gzipSync } from 'node:zlib';
import { gunzipIdxBytes } from '../src/data/idx-node.js';
import {
  buildModel,
  decodeCheckpoint,
  encodeCheckpoint,
  Generator,
  loadSafetensors,
  parseCsv,
  parseIdx,
  saveSafetensors,
  tensor,
} from '../src/index.js';

/** One reader under test: valid inputs to mutate, and the call that reads an input. */
export interface FuzzTarget {
  name: string;
  seeds: Uint8Array[];
  read: (bytes: Uint8Array) => unknown;
  /** Text formats also get text-aware mutations (huge numbers, deep nesting). */
  text: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const SPEC = {
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 2, kernel: 3, padding: 1 },
    { type: 'batchNorm2d', features: 2 },
    { type: 'maxPool2d', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', in: 8, out: 4 },
    { type: 'layerNorm', shape: [4] },
    { type: 'sequential', layers: [{ type: 'relu' }, { type: 'dropout', p: 0.1 }] },
    { type: 'linear', in: 4, out: 3, bias: false },
    { type: 'logSoftmax', axis: 1 },
  ],
};

function idxFile(magic: number, shape: number[], values: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + values.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  shape.forEach((length, axis) => view.setUint32(4 + 4 * axis, length));
  bytes.set(values, 4 + 4 * shape.length);
  return bytes;
}

const IMAGES = idxFile(0x00000803, [2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 250, 251, 252, 253, 254, 255, 9, 10, 11]);
const LABELS = idxFile(0x00000801, [2], [4, 9]);
const FLOATS = idxFile(0x00000d02, [1, 2], [0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]);

function safetensorsSeed(): Uint8Array {
  return saveSafetensors(
    {
      'layers.0.weight': tensor([
        [1, -2],
        [3.5, 4],
      ]),
      'layers.0.bias': tensor([0.25, -0.5]),
      scalar: tensor(7),
    },
    { format: 'pt', note: 'seed' },
  );
}

function checkpointSeed(): Uint8Array {
  const weight = tensor([
    [0.5, -1],
    [2, 3],
  ]);
  return encodeCheckpoint({
    model: { 'layers.0.weight': weight },
    optimizer: {
      state: {
        0: {
          step: 3,
          exp_avg: tensor([
            [0, 1],
            [2, 3],
          ]),
        },
      },
      paramGroups: [{ lr: 0.001, params: [0] }],
    },
    spec: { type: 'sequential', layers: [{ type: 'linear', in: 2, out: 2, bias: false }] },
    training: { step: 3, epoch: 1, rng: new Generator(5).getState() },
  });
}

/** The readers of @backprop/core that take untrusted bytes or text. */
export function fuzzTargets(): FuzzTarget[] {
  return [
    { name: 'safetensors', seeds: [safetensorsSeed()], read: (bytes) => loadSafetensors(bytes), text: false },
    { name: 'checkpoint', seeds: [checkpointSeed()], read: (bytes) => decodeCheckpoint(bytes), text: false },
    { name: 'idx', seeds: [IMAGES, LABELS, FLOATS], read: (bytes) => parseIdx(bytes), text: false },
    {
      name: 'idx-gzip',
      seeds: [gzipSync(IMAGES), gzipSync(LABELS), gzipSync(FLOATS)],
      // A 1 MiB cap keeps a mutated stream's output small; the cap itself is what is under test.
      read: (bytes) => parseIdx(gunzipIdxBytes(bytes, { maxBytes: 1 << 20 })),
      text: false,
    },
    {
      name: 'csv',
      seeds: [encoder.encode('label,a,b\n1,0.5,2\r\n0,-1.5e3,"7"\n\n2,3,4\n'), encoder.encode('3;4;5\r1;2;3\r')],
      read: (bytes) => {
        const text = decoder.decode(bytes);
        return parseCsv(text, { delimiter: text.includes(';') ? ';' : ',' });
      },
      text: true,
    },
    {
      name: 'spec',
      seeds: [encoder.encode(JSON.stringify(SPEC))],
      read: (bytes) => {
        let spec: unknown;
        try {
          spec = JSON.parse(decoder.decode(bytes));
        } catch {
          return undefined; // not JSON: the CLI's reader refuses it before buildModel sees it
        }
        return buildModel(spec, { generator: new Generator(0) });
      },
      text: true,
    },
  ];
}

const HUGE_NUMBERS = [
  '4294967295',
  '18446744073709551615',
  '9007199254740993',
  '1e400',
  '-1',
  '1e9',
  '100000000',
  '0',
  '2.5',
  '1e-400',
  'NaN',
];
const EXTREME_BYTES = [
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0x7f],
  [0, 0, 0, 0x80],
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0xef, 0xbb, 0xbf],
  [0x7b],
];

/**
 * One seeded mutation of `seed`: 1–4 edits among truncation, bit flips, extreme values written
 * over sizes, inserted and repeated bytes, and (text) huge numbers and deep nesting.
 */
export function mutate(seed: Uint8Array, generator: Generator, text: boolean): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(seed);
  const edits = generator.int(1, 5);
  for (let edit = 0; edit < edits; edit++) {
    const at = bytes.length === 0 ? 0 : generator.int(0, bytes.length);
    const kind = generator.int(0, text ? 8 : 6);
    if (kind === 0)
      bytes = bytes.slice(0, at); // truncation
    else if (kind === 1 && bytes.length > 0)
      bytes[at] = bytes[at]! ^ (1 << generator.int(0, 8)); // bit flip
    else if (kind === 2) {
      const value = EXTREME_BYTES[generator.int(0, EXTREME_BYTES.length)]!;
      bytes.set(value.slice(0, Math.max(0, bytes.length - at)), at); // sizes and offsets at their extremes
    } else if (kind === 3) {
      const inserted = Uint8Array.from({ length: generator.int(1, 9) }, () => generator.int(0, 256));
      bytes = concatBytes(bytes.subarray(0, at), inserted, bytes.subarray(at));
    } else if (kind === 4) {
      const end = Math.min(bytes.length, at + generator.int(1, 64));
      const copies = generator.int(1, 200);
      const chunk = bytes.slice(at, end);
      bytes = concatBytes(bytes.subarray(0, end), ...Array.from({ length: copies }, () => chunk), bytes.subarray(end));
    } else if (kind === 5 && bytes.length > 0) bytes[at] = generator.int(0, 256);
    else if (kind === 6) bytes = replaceNumber(bytes, at, HUGE_NUMBERS[generator.int(0, HUGE_NUMBERS.length)]!);
    else if (kind === 7)
      bytes =
        generator.int(0, 8) === 0
          ? nest(bytes, at, 20_000, false)
          : nest(bytes, at, generator.int(2, 200), generator.int(0, 2) === 0);
  }
  return bytes;
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Replaces the run of digits at or after `at` with `number`. */
function replaceNumber(bytes: Uint8Array, at: number, number: string): Uint8Array {
  const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;
  let start = at;
  while (start < bytes.length && !isDigit(bytes[start])) start++;
  if (start >= bytes.length) return bytes;
  let end = start;
  while (isDigit(bytes[end])) end++;
  return concatBytes(bytes.subarray(0, start), encoder.encode(number), bytes.subarray(end));
}

/** Wraps the text after `at` in `depth` levels of arrays, or of sequential specs. */
function nest(bytes: Uint8Array, at: number, depth: number, asSpec: boolean): Uint8Array {
  const open = asSpec ? '{"type":"sequential","layers":[' : '[';
  const close = asSpec ? ']}' : ']';
  return concatBytes(
    bytes.subarray(0, at),
    encoder.encode(open.repeat(depth)),
    bytes.subarray(at),
    encoder.encode(close.repeat(depth)),
  );
}

/** What reading an input did: decoded, refused with an ordinary Error, or crashed (anything else). */
export type Verdict = { kind: 'ok' } | { kind: 'refused' } | { kind: 'crash'; error: string };

/**
 * Runs `target` on `bytes`. An ordinary Error (exactly `Error`, or JSON's SyntaxError) is a
 * refusal; a RangeError (V8 allocation, stack overflow), TypeError (a bug) or non-Error is a crash.
 */
export function verdict(target: FuzzTarget, bytes: Uint8Array): Verdict {
  try {
    target.read(bytes);
    return { kind: 'ok' };
  } catch (error) {
    if (error instanceof Error && Object.getPrototypeOf(error) === Error.prototype) return { kind: 'refused' };
    const description =
      error instanceof Error
        ? `${error.name}: ${error.message.slice(0, 200)}`
        : `non-Error thrown: ${String(error).slice(0, 200)}`;
    return { kind: 'crash', error: description };
  }
}
