// The embedded digits as fetched by the page: the gzip'd file, or — when the server labels a .gz
// with `Content-Encoding: gzip`, as vite preview and many static servers do — already gunzipped by
// the browser. Either way the same MnistData. No DOM.
import { decodeMnist, decodeMnistGzip, type MnistData } from '@backprop/datasets';

/**
 * Decodes the fetched bytes of `mnist-10k.bin.gz`, gunzipping only if the browser has not.
 *
 * @example
 * ```ts
 * const data = await decodeMnistAsset(new Uint8Array(await (await fetch(mnistUrl)).arrayBuffer()));
 * ```
 */
export async function decodeMnistAsset(bytes: Uint8Array): Promise<MnistData> {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return gzipped ? decodeMnistGzip(bytes) : decodeMnist(bytes);
}
