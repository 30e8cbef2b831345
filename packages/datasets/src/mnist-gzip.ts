// decodeMnistGzip: gunzip with the standard DecompressionStream (browsers, Node ≥ 18), then decodeMnist.
// Browser-safe: no node:* imports; the shipped data file is gzip'd, so a bundled app needs this.

import { decodeMnist, type MnistData } from './mnist-format.js';

// NOTE(stream-types): the build sees neither the DOM lib nor Node's globals, so the few members
// of the WHATWG streams API used here are declared structurally.
interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}
interface ByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
interface GzipDecompressor {
  readonly readable: { getReader(): ByteReader };
  readonly writable: { getWriter(): ByteWriter };
}
type DecompressorConstructor = new (format: 'gzip') => GzipDecompressor;

/**
 * Gunzips `bytes` (for example the fetched `@backprop/datasets/data/mnist-10k.bin.gz`) with the
 * platform's `DecompressionStream` and decodes them with {@link decodeMnist}.
 *
 * @example
 * ```ts
 * import mnistUrl from '@backprop/datasets/data/mnist-10k.bin.gz?url'; // Vite
 * const response = await fetch(mnistUrl);
 * const mnist = await decodeMnistGzip(new Uint8Array(await response.arrayBuffer()));
 * ```
 */
export async function decodeMnistGzip(bytes: Uint8Array): Promise<MnistData> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('decodeMnistGzip: expected a Uint8Array of gzip-compressed bytes');
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new Error(
      'decodeMnistGzip: not gzip data (the first bytes are not 1f 8b); for uncompressed bytes use decodeMnist(bytes)',
    );
  }
  const Decompressor = (globalThis as { DecompressionStream?: DecompressorConstructor }).DecompressionStream;
  if (Decompressor === undefined) {
    throw new Error(
      'decodeMnistGzip: this runtime has no DecompressionStream; decompress the bytes yourself and call decodeMnist',
    );
  }
  const stream = new Decompressor('gzip');
  const writer = stream.writable.getWriter();
  // Write and read concurrently: awaiting the write first could stall on back-pressure.
  const writing = writer.write(bytes).then(() => writer.close());
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value) {
        chunks.push(value);
        length += value.length;
      }
    }
    await writing;
  } catch (error) {
    writing.catch(() => {}); // the read already failed with the same cause
    throw new Error(`decodeMnistGzip: corrupt gzip data: ${(error as Error).message}`, { cause: error });
  }
  const raw = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    raw.set(chunk, offset);
    offset += chunk.length;
  }
  return decodeMnist(raw);
}
