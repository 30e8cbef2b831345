// Public API of @backprop/core: explicit named exports only (no `export *`).
export { Tensor, type Axes, type NestedArray, type TensorLike } from './tensor/tensor.js';
export {
  arange,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  tensor,
  zeros,
  zerosLike,
  type RandomOptions,
  type TensorData,
  type TensorOptions,
} from './tensor/create.js';
export {
  adaptiveAvgPool2d,
  add,
  avgPool2d,
  concat,
  conv2d,
  div,
  linear,
  matmul,
  maximum,
  maxPool2d,
  minimum,
  mul,
  pow,
  stack,
  sub,
  where,
  type AvgPool2dOptions,
  type Conv2dOptions,
  type Conv2dPaddingMode,
  type MaxPool2dOptions,
  type Pool2dOptions,
  type Size2d,
} from './tensor/functional.js';
export {
  isGradEnabled,
  noGrad,
  type BackwardRule,
  type Creator,
  type PrimitiveResult,
  type RawTensor,
} from './autograd/graph.js';
export {
  gradcheck,
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckResult,
} from './autograd/gradcheck.js';
export { assertFinite } from './autograd/assert-finite.js';
export { Generator, type GeneratorState } from './random/generator.js';
export { globalGenerator, manualSeed } from './random/global-generator.js';
export { MAX_TENSOR_RANK, maxTensorElements, setMaxTensorElements } from './kernels/element-limit.js';
export { kernelBackend, setKernelBackend, type KernelBackend } from './kernels/backend.js';
export { sumChunksInto, type ChunkSumOptions } from './kernels/reduce-chunks.js';
export type { VarianceOptions } from './tensor/composites/statistics.js';
export type { PadMode, PadOptions } from './tensor/composites/padding.js';
export type { SortResult, TopkOptions } from './tensor/composites/sort.js';
export { Module, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './nn/module.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Conv2d, type Conv2dLayerOptions } from './nn/conv2d.js';
export { Embedding, embedding, type EmbeddingIndices, type EmbeddingOptions } from './nn/embedding.js';
export {
  AdaptiveAvgPool2d,
  AvgPool2d,
  MaxPool2d,
  type AvgPool2dLayerOptions,
  type MaxPool2dLayerOptions,
  type Pool2dLayerOptions,
} from './nn/pooling.js';
export { Dropout, type DropoutOptions } from './nn/dropout.js';
export {
  BatchNorm,
  BatchNorm1d,
  BatchNorm2d,
  LayerNorm,
  type BatchNormOptions,
  type LayerNormOptions,
} from './nn/normalization.js';
export { updateBatchNorm } from './nn/update-batch-norm.js';
export {
  Flatten,
  GELU,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from './nn/activations.js';
export { ModuleList, Sequential } from './nn/sequential.js';
export { buildModel, DEFAULT_MAX_PARAMETERS, specParameterCount, type BuildModelOptions } from './nn/spec.js';
export { MAX_SPEC_DEPTH } from './nn/spec-read.js';
export { photoCnnSpec } from './nn/photo-cnn-spec.js';
export type {
  ActivationSpec,
  BatchNormSpec,
  Conv2dSpec,
  DropoutSpec,
  FlattenSpec,
  LayerNormSpec,
  LayerSpec,
  LeakyReluSpec,
  LinearSpec,
  ModelSpec,
  AdaptivePool2dSpec,
  EmbeddingSpec,
  Pool2dSpec,
  SequentialSpec,
  SoftmaxSpec,
} from './nn/spec-types.js';
export { init, type KaimingOptions, type Nonlinearity, type XavierOptions } from './nn/init-namespace.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  l1Loss,
  mseLoss,
  nllLoss,
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
  type ClassLabels,
  type CrossEntropyOptions,
  type NllLossOptions,
  type LossOptions,
  type LossReduction,
} from './ops/losses.js';
export type { BaseHyperparameters } from './optim/hyperparameters.js';
export { Optimizer, type PlannedUpdate, type StateStorage, type UpdateContext } from './optim/optimizer.js';
export type { OptimizerStateDict, ParameterState } from './optim/optimizer-state-dict.js';
export { SGD, sgdUpdate, type SGDOptions, type SGDRange } from './optim/sgd.js';
export { Adam, AdamW, adamUpdate, adamwUpdate, type AdamOptions, type AdamRange } from './optim/adam.js';
export { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropRange } from './optim/rmsprop.js';
export { buildOptimizer, OPTIMIZER_TYPES, type OptimizerSpec } from './optim/optimizer-spec.js';
export { clipGradNorm } from './optim/clip-grad-norm.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LearningRateScheduler,
  LinearWarmup,
  OneCycleLR,
  StepLR,
  type CosineAnnealingLROptions,
  type ExponentialLROptions,
  type LinearWarmupOptions,
  type OneCycleLROptions,
  type ScheduledOptimizer,
  type SchedulerStateDict,
  type StepLROptions,
} from './optim/schedulers.js';
export { defaultCollate, Subset, TensorDataset, type Collated, type Dataset } from './data/dataset.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderState } from './data/data-loader.js';
export { randomSplit, stratifiedSplit } from './data/random-split.js';
export { randomHorizontalFlip, randomShift } from './data/augment.js';
export {
  synthetic,
  type ClassificationSet,
  type LineOptions,
  type SyntheticOptions,
} from './data/synthetic-namespace.js';
export {
  DEFAULT_MAX_IDX_BYTES,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  idxImagesToTensor,
  idxLabelsToTensor,
  mnistFromIdx,
  parseIdx,
  type IdxArray,
  type IdxImageOptions,
  type MnistFromIdxOptions,
  type ParseIdxOptions,
} from './data/idx.js';
export { parseCsv, type CsvData, type ParseCsvOptions } from './data/csv.js';
export {
  accuracy,
  confusionMatrix,
  correctCount,
  formatConfusionMatrix,
  type ClassValues,
  type FormatConfusionMatrixOptions,
} from './metrics/classification.js';
export type { SafetensorsDtype } from './io/safetensors-format.js';
export { loadSafetensors, type SafetensorsContents } from './io/safetensors-read.js';
export { saveSafetensors } from './io/safetensors-write.js';
export {
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointPart,
  type DecodeCheckpointOptions,
  type OptimizerCheckpoint,
  type TrainingCheckpoint,
} from './io/checkpoint.js';
export {
  encodeModelFile,
  loadModel,
  MODEL_DATA_KEY,
  MODEL_FILE_LIMITS,
  ModelFileError,
  modelFitProblem,
  parseModelDataInfo,
  type LoadedModel,
  type LoadModelOptions,
  type ModelDataInfo,
  type ModelFilePart,
  type PictureSettings,
} from './io/model-file.js';
