// The recorded identity of the shipped data file, data/mnist-10k.bin.gz. Browser-safe; imports nothing.

/**
 * The shipped MNIST file: its name under the package's `data/` folder, size and SHA-256, both of
 * the gzip file and of the decompressed bytes. Tests check the committed file against these, and
 * `scripts/convert-mnist.ts` reproduces it byte for byte.
 *
 * @example
 * ```ts
 * import { MNIST_FILE } from '@backprop/datasets';
 * console.log(MNIST_FILE.sha256); // compare with `sha256sum data/mnist-10k.bin.gz`
 * ```
 */
export const MNIST_FILE = Object.freeze({
  name: 'mnist-10k.bin.gz',
  /** Bytes of the gzip file. */
  bytes: 1_660_754,
  /** SHA-256 (hex) of the gzip file. */
  sha256: '74b6eddcc39fc057f7c203564ef454604c48646ee3c5183970238cd1a3a8931f',
  /** Bytes after gunzip: 16 + 10,000 × (784 + 1). */
  rawBytes: 7_850_016,
  /** SHA-256 (hex) of the bytes after gunzip (independent of the gzip encoder). */
  rawSha256: '9a35d45e24e4fe6da0e3a870f711f8853c6bf92e5299cfa2615d9f141f9b2a77',
});
