// A model spec as PyTorch code: the `torch.nn` module whose state_dict names and shapes equal
// Backprop's (`layers.N.*`, Linear weights [out, in]), so model.safetensors loads with strict=True.
// NOTE(python-literals): a spec and a sample shape come from a model file, which may be hostile.
// Every value reaches the Python text through pyInt / pyFloat / pyBool, which accept only numbers
// and booleans of the expected kind and throw otherwise, or pyChoice, which writes a string literal
// from its own fixed list (never the file's text): nothing from a file becomes code.
import type { LayerSpec, ModelSpec } from '@backprop/core';

function refuse(what: string, expected: string, value: unknown): never {
  throw new Error(`torchModule: ${what} must be ${expected}, got ${String(JSON.stringify(value)).slice(0, 80)}`);
}

/** A Python int literal of a non-negative safe integer; anything else throws. */
function pyInt(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    refuse(what, 'a non-negative integer', value);
  }
  return String(value);
}

/** A Python float literal of a finite number (JavaScript's shortest form, e.g. 1e-5, is valid Python). */
function pyFloat(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    refuse(what, 'a finite number', value);
  }
  return String(value);
}

/** A Python integer axis (may be negative). */
function pyAxis(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    refuse(what, 'an integer', value);
  }
  return String(value);
}

function pyBool(value: unknown, what: string): string {
  if (value === undefined || value === true) return 'True';
  if (value === false) return 'False';
  return refuse(what, 'true or false', value);
}

/** A Python string literal chosen from `allowed` (written from this list, not from the value). */
function pyChoice(value: unknown, allowed: readonly string[], what: string): string {
  const index = allowed.indexOf(value as string);
  if (typeof value !== 'string' || index < 0) refuse(what, `one of ${allowed.join(', ')}`, value);
  return `'${allowed[index]!}'`;
}

/** A size per spatial axis: an int or a pair `(h, w)`. */
function pyPair(value: unknown, fallback: unknown, what: string): string {
  const v = value ?? fallback;
  return Array.isArray(v) && v.length === 2 ? `(${pyInt(v[0], what)}, ${pyInt(v[1], what)})` : pyInt(v, what);
}

/** One layer spec as a `torch.nn` constructor call; nested sequentials become `Sequential(...)` (see torchModule). */
function layerCode(layer: LayerSpec, indent: string): string {
  switch (layer.type) {
    case 'sequential':
      if (!Array.isArray(layer.layers)) refuse('a sequential layer\'s layers', 'a list', layer.layers);
      return `Sequential(\n${layer.layers.map((inner) => `${indent}    ${layerCode(inner, `${indent}    `)},`).join('\n')}\n${indent})`;
    case 'linear':
      return `nn.Linear(${pyInt(layer.in, 'linear in')}, ${pyInt(layer.out, 'linear out')}, bias=${pyBool(layer.bias, 'linear bias')})`;
    case 'conv2d':
    {
      const padding = typeof layer.padding === 'string' ? pyChoice(layer.padding, ['same', 'valid'], 'conv2d padding') : pyPair(layer.padding, 0, 'conv2d padding');
      const options = `dilation=${pyPair(layer.dilation, 1, 'conv2d dilation')}, groups=${pyInt(layer.groups ?? 1, 'conv2d groups')}, padding_mode=${pyChoice(layer.paddingMode ?? 'zeros', ['zeros', 'reflect', 'replicate', 'circular'], 'conv2d paddingMode')}`;
      return `nn.Conv2d(${pyInt(layer.in, 'conv2d in')}, ${pyInt(layer.out, 'conv2d out')}, kernel_size=${pyPair(layer.kernel, 1, 'conv2d kernel')}, stride=${pyPair(layer.stride, 1, 'conv2d stride')}, padding=${padding}, ${options}, bias=${pyBool(layer.bias, 'conv2d bias')})`;
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const common = `kernel_size=${pyPair(layer.kernel, 1, 'pool kernel')}, stride=${pyPair(layer.stride, layer.kernel, 'pool stride')}, padding=${pyPair(layer.padding, 0, 'pool padding')}, ceil_mode=${pyBool(layer.ceilMode ?? false, 'pool ceilMode')}`;
      return layer.type === 'maxPool2d'
        ? `nn.MaxPool2d(${common}, dilation=${pyPair(layer.dilation, 1, 'maxPool2d dilation')})`
        : `nn.AvgPool2d(${common}, count_include_pad=${pyBool(layer.countIncludePad, 'avgPool2d countIncludePad')})`;
    }
    case 'embedding': {
      const padding = layer.paddingIdx === undefined ? '' : `, padding_idx=${pyInt(layer.paddingIdx, 'embedding paddingIdx')}`;
      return `nn.Embedding(${pyInt(layer.embeddings, 'embedding embeddings')}, ${pyInt(layer.dim, 'embedding dim')}${padding})`;
    }
    case 'adaptiveAvgPool2d':
      return `nn.AdaptiveAvgPool2d(${pyPair(layer.output, undefined, 'adaptiveAvgPool2d output')})`;
    case 'flatten':
      return `nn.Flatten(start_dim=${pyAxis(layer.startAxis ?? 1, 'flatten startAxis')}, end_dim=${pyAxis(layer.endAxis ?? -1, 'flatten endAxis')})`;
    case 'dropout':
      return `nn.Dropout(p=${pyFloat(layer.p, 'dropout p')})`;
    case 'batchNorm1d':
    case 'batchNorm2d':
    {
      const momentum = layer.momentum === null ? 'None' : pyFloat(layer.momentum ?? 0.1, 'batchNorm momentum');
      const flags = `affine=${pyBool(layer.affine, 'batchNorm affine')}, track_running_stats=${pyBool(layer.trackRunningStats, 'batchNorm trackRunningStats')}`;
      return `nn.${layer.type === 'batchNorm1d' ? 'BatchNorm1d' : 'BatchNorm2d'}(${pyInt(layer.features, 'batchNorm features')}, eps=${pyFloat(layer.eps ?? 1e-5, 'batchNorm eps')}, momentum=${momentum}, ${flags})`;
    }
    case 'layerNorm':
      if (!Array.isArray(layer.shape)) refuse('layerNorm shape', 'a list of integers', layer.shape);
      return `nn.LayerNorm([${layer.shape.map((size) => pyInt(size, 'layerNorm shape')).join(', ')}], eps=${pyFloat(layer.eps ?? 1e-5, 'layerNorm eps')}, elementwise_affine=${pyBool(layer.elementwiseAffine, 'layerNorm elementwiseAffine')})`;
    case 'leakyRelu':
      return `nn.LeakyReLU(negative_slope=${pyFloat(layer.slope ?? 0.01, 'leakyRelu slope')})`;
    case 'softmax':
      return `nn.Softmax(dim=${pyAxis(layer.axis ?? -1, 'softmax axis')})`;
    case 'logSoftmax':
      return `nn.LogSoftmax(dim=${pyAxis(layer.axis ?? -1, 'logSoftmax axis')})`;
    case 'relu':
      return 'nn.ReLU()';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'gelu':
      return 'nn.GELU()'; // exact erf form, as Backprop's
    case 'softplus':
      return 'nn.Softplus()';
    case 'silu':
      return 'nn.SiLU()';
    default:
      return refuse('a layer type', 'a known one', (layer as { type: unknown }).type);
  }
}

/**
 * A runnable Python file defining `BackpropModel` (the spec as `torch.nn`), with a `__main__` that
 * loads `model.safetensors` beside it (strict) and runs one forward pass on zeros.
 *
 * @example
 * ```ts
 * writeFileSync('model.py', torchModule(spec, [1, 28, 28]));
 * ```
 */
export function torchModule(spec: ModelSpec, sampleShape: readonly number[]): string {
  const root: LayerSpec[] = spec.type === 'sequential' ? spec.layers : [spec];
  if (!Array.isArray(root)) refuse('the model\'s layers', 'a list', root);
  const body = root.map((layer) => `            ${layerCode(layer, '            ')},`).join('\n');
  if (!Array.isArray(sampleShape) || sampleShape.length === 0) refuse('the sample shape', 'a non-empty list of sizes', sampleShape);
  const shape = sampleShape.map((size) => pyInt(size, 'sample shape')).join(', ');
  // nn.Embedding reads integer indices: a model that starts with one gets a long sample.
  const sampleType = root[0]?.type === 'embedding' ? ', dtype=torch.long' : '';
  return `# Generated by \`backprop export\`: the PyTorch twin of a Backprop model.
# Backprop's Sequential keeps its layers in a child named \`layers\`, so parameter names are
# layers.N.weight / layers.N.bias, and nn.Linear weights are [out, in] in both: the state dict of
# this module and model.safetensors match name for name and shape for shape.
import torch
from torch import nn


class Sequential(nn.Module):
    """Backprop's Sequential: layers in \`self.layers\` (names layers.N.*)."""

    def __init__(self, *layers: nn.Module):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class BackpropModel(Sequential):
    """Input: a batch of shape [N, ${shape}]; output: one score (logit) per class."""

    def __init__(self):
        super().__init__(
${body}
        )


def load(path: str = "model.safetensors") -> BackpropModel:
    """The model with the exported weights (strict: every name and shape must match)."""
    from safetensors.torch import load_file

    model = BackpropModel()
    model.load_state_dict(load_file(path), strict=True)
    return model


if __name__ == "__main__":
    import os

    model = load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors")).eval()
    with torch.no_grad():
        print(model(torch.zeros(1, ${shape}${sampleType})).shape)
`;
}
