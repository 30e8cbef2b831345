// Public API of @backprop/parallel shared by Node and the browser: no node:* imports here (Node's
// trainer is in `@backprop/parallel/node`). Explicit named exports only.
export { ParallelTrainer } from './trainer.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MILLISECONDS,
  defaultMemoryMode,
  type CloseOptions,
  type Evaluation,
  type ParallelTrainerOptions,
  type StepOptions,
  type StepTiming,
  type TrainerState,
} from './trainer-options.js';
export type { DataParallelOptions, OptimizerChoice } from './options.js';
export type { BatchEnd, BatchSource, EpochEnd, FitOptions, FitSummary } from './fit.js';
export type {
  CopiedArrays,
  Done,
  LossName,
  MemoryMode,
  OptimizerSetup,
  Setup,
  Step,
  TaskBuffer,
  WorkerTask,
} from './protocol.js';
export type { TransportFactory, WorkerTransport } from './transport.js';
export type { OptimizerKind } from './optimizer-shard.js';
export { runTask, type RunTaskOptions } from './replica.js';
export type { BarrierWait } from './sharded-update.js';
export { assignChunks, chunkCount, chunkSeed, type ChunkRange } from './chunks.js';
export {
  bindParameters,
  parameterLayout,
  tensorsOver,
  type ParameterLayout,
  type ParameterSlot,
} from './flat-parameters.js';
export type { ModelFactory, ModelFactoryOptions, ModelSource } from './model-source.js';
