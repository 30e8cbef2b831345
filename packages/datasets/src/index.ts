// @backprop/datasets: the browser-safe entry. Decoding and the fixed split, on plain typed arrays.
// Must not import node:* (the Node file loader lives in ./node.ts) nor @backprop/core.

export {
  MNIST_CLASS_COUNT,
  MNIST_FORMAT_VERSION,
  MNIST_HEADER_BYTES,
  MNIST_MAGIC,
  decodeMnist,
  encodeMnist,
  type MnistData,
} from './mnist-format.js';
export { decodeMnistGzip } from './mnist-gzip.js';
export { MNIST_FILE } from './mnist-file.js';
export { mnistAsIdx, type MnistIdx } from './mnist-idx.js';
export {
  MNIST_SPLIT,
  mnistSplit,
  mnistSplitIndices,
  type MnistSplit,
  type MnistSplitIndices,
} from './mnist-split.js';
