// The JSON model spec: one plain-data description per layer type. Types only; imports nothing.

export interface SequentialSpec {
  type: 'sequential';
  layers: LayerSpec[];
}
export interface LinearSpec {
  type: 'linear';
  in: number;
  out: number;
  bias?: boolean;
}
export interface Conv2dSpec {
  type: 'conv2d';
  in: number;
  out: number;
  /** Kernel size: one number or [height, width]. */
  kernel: number | [number, number];
  stride?: number | [number, number];
  /** Numbers, or 'same' / 'valid'. */
  padding?: number | [number, number] | 'same' | 'valid';
  dilation?: number | [number, number];
  groups?: number;
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
  bias?: boolean;
}
export interface Pool2dSpec {
  type: 'maxPool2d' | 'avgPool2d';
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** Round the output size up (PyTorch's `ceil_mode`). Default false. */
  ceilMode?: boolean;
  /** maxPool2d only: spacing of a window's elements. Default 1. */
  dilation?: number | [number, number];
  /** avgPool2d only: divide by the window size with padding (default true) or by its real elements. */
  countIncludePad?: boolean;
}
export interface AdaptivePool2dSpec {
  type: 'adaptiveAvgPool2d';
  /** Output size: one number for both axes or [height, width]. */
  output: number | [number, number];
}
export interface EmbeddingSpec {
  type: 'embedding';
  /** Rows of the table (PyTorch's num_embeddings). */
  embeddings: number;
  /** Values per row (embedding_dim). */
  dim: number;
  paddingIdx?: number;
}
export interface FlattenSpec {
  type: 'flatten';
  startAxis?: number;
  endAxis?: number;
}
export interface DropoutSpec {
  type: 'dropout';
  p: number;
}
export interface BatchNormSpec {
  type: 'batchNorm1d' | 'batchNorm2d';
  features: number;
  eps?: number;
  /** null: the cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}
export interface LayerNormSpec {
  type: 'layerNorm';
  shape: number[];
  eps?: number;
  elementwiseAffine?: boolean;
}
export interface ActivationSpec {
  type: 'relu' | 'sigmoid' | 'tanh' | 'gelu' | 'softplus' | 'silu';
}
export interface LeakyReluSpec {
  type: 'leakyRelu';
  slope?: number;
}
export interface SoftmaxSpec {
  type: 'softmax' | 'logSoftmax';
  axis?: number;
}

/** Any layer, including a nested sequential. `buildModel` turns it into modules. */
export type LayerSpec =
  | SequentialSpec
  | LinearSpec
  | Conv2dSpec
  | Pool2dSpec
  | AdaptivePool2dSpec
  | EmbeddingSpec
  | FlattenSpec
  | DropoutSpec
  | BatchNormSpec
  | LayerNormSpec
  | ActivationSpec
  | LeakyReluSpec
  | SoftmaxSpec;

/** A whole model: any layer spec, usually a sequential. */
export type ModelSpec = LayerSpec;
