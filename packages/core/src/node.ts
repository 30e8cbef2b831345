// Node-only entry of @backprop/core (`@backprop/core/node`): files on disk. Browser code must not import it.
export { readIdxBytes, readIdxFile, readMnistFiles } from './data/idx-node.js';
export {
  loadCheckpointFile,
  loadSafetensorsFile,
  saveCheckpointFile,
  saveSafetensorsFile,
  writeFileAtomic,
  type SaveFileOptions,
  type WriteFileAtomicOptions,
} from './io/file-node.js';
