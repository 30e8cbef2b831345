// Node-only entry of @backprop/core (`@backprop/core/node`): files on disk. Browser code must not import it.
export { gunzipIdxBytes, readIdxBytes, readIdxFile, readMnistFiles, type ReadIdxOptions } from './data/idx-node.js';
export type { ReadFileOptions } from './io/read-file-node.js';
export {
  DEFAULT_MAX_FILE_BYTES,
  loadCheckpointFile,
  loadSafetensorsFile,
  saveCheckpointFile,
  saveSafetensorsFile,
  writeFileAtomic,
  type SaveFileOptions,
  type WriteFileAtomicOptions,
} from './io/file-node.js';
