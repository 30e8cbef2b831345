// A model spec as PyTorch code: the `torch.nn` module whose state_dict names and shapes equal
// Backprop's (`layers.N.*`, Linear weights [out, in]), so model.safetensors loads with strict=True.
// Every value from the model file reaches the text through python-literals.ts (NOTE(python-literals)).
import type { LayerSpec, ModelSpec } from '@backprop/core';
import { pyAxis, pyBool, pyChoice, pyFloat, pyInt, pyPair, pyString } from './python-literals.js';
import { SAFETENSORS_PYTHON } from './safetensors-python.js';

function refuse(what: string, expected: string, value: unknown): never {
  throw new Error(`torchModule: ${what} must be ${expected}, got ${String(JSON.stringify(value)).slice(0, 80)}`);
}

/** One layer spec as a `torch.nn` constructor call; nested sequentials become `Sequential(...)` (see torchModule). */
function layerCode(layer: LayerSpec, indent: string): string {
  switch (layer.type) {
    case 'sequential':
      if (!Array.isArray(layer.layers)) refuse("a sequential layer's layers", 'a list', layer.layers);
      return `Sequential(\n${layer.layers.map((inner) => `${indent}    ${layerCode(inner, `${indent}    `)},`).join('\n')}\n${indent})`;
    case 'linear':
      return `nn.Linear(${pyInt(layer.in, 'linear in')}, ${pyInt(layer.out, 'linear out')}, bias=${pyBool(layer.bias, 'linear bias')})`;
    case 'conv2d': {
      const padding =
        typeof layer.padding === 'string'
          ? pyChoice(layer.padding, ['same', 'valid'], 'conv2d padding')
          : pyPair(layer.padding, 0, 'conv2d padding');
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
      const padding =
        layer.paddingIdx === undefined ? '' : `, padding_idx=${pyInt(layer.paddingIdx, 'embedding paddingIdx')}`;
      return `nn.Embedding(${pyInt(layer.embeddings, 'embedding embeddings')}, ${pyInt(layer.dim, 'embedding dim')}${padding})`;
    }
    case 'adaptiveAvgPool2d':
      return `nn.AdaptiveAvgPool2d(${pyPair(layer.output, undefined, 'adaptiveAvgPool2d output')})`;
    case 'flatten':
      return `nn.Flatten(start_dim=${pyAxis(layer.startAxis ?? 1, 'flatten startAxis')}, end_dim=${pyAxis(layer.endAxis ?? -1, 'flatten endAxis')})`;
    case 'dropout':
      return `nn.Dropout(p=${pyFloat(layer.p, 'dropout p')})`;
    case 'batchNorm1d':
    case 'batchNorm2d': {
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

/** What model.py says about the model's input besides the spec. */
export interface TorchModuleOptions {
  /** Shape of one input sample, e.g. [1, 28, 28]. */
  sampleShape: readonly number[];
  /** Classes the model scores. */
  classes: number;
  /** What the data is (a human description, written as a Python string). */
  description: string;
  /** What the raw values were divided by to give the model's inputs: 255 for pixel bytes, else 1. */
  pixelScale: 1 | 255;
}

/**
 * A runnable Python file (needs only `torch`) defining `BackpropModel` (the spec as `torch.nn`),
 * `preprocess` (raw values → the model's input), `load` (weights beside it, strict), a safetensors
 * reader and writer that work without the `safetensors` package, and a `__main__` that loads the
 * weights and evaluates them on data/test.safetensors when present.
 *
 * @example
 * ```ts
 * writeFileSync('model.py', torchModule(spec, { sampleShape: [1, 28, 28], classes: 10, description: 'MNIST', pixelScale: 255 }));
 * ```
 */
export function torchModule(spec: ModelSpec, options: TorchModuleOptions): string {
  const root: LayerSpec[] = spec.type === 'sequential' ? spec.layers : [spec];
  if (!Array.isArray(root)) refuse("the model's layers", 'a list', root);
  const body = root.map((layer) => `            ${layerCode(layer, '            ')},`).join('\n');
  const { sampleShape } = options;
  if (!Array.isArray(sampleShape) || sampleShape.length === 0)
    refuse('the sample shape', 'a non-empty list of sizes', sampleShape);
  const shape = sampleShape.map((size) => pyInt(size, 'sample shape')).join(', ');
  // nn.Embedding reads integer indices: a model that starts with one gets a long sample.
  const sampleType = root[0]?.type === 'embedding' ? ', dtype=torch.long' : '';
  const scale =
    options.pixelScale === 255
      ? '255.0'
      : options.pixelScale === 1
        ? '1.0'
        : refuse('the pixel scale', '1 or 255', options.pixelScale);
  return `"""The PyTorch twin of a Backprop model, generated by \`backprop export\`. Needs only torch.

Backprop's Sequential keeps its layers in a child named \`layers\`, so parameter names are
layers.N.weight / layers.N.bias, and nn.Linear weights are [out, in] in both: the state dict of
this module and model.safetensors match name for name and shape for shape (strict=True).

From this folder:
    python3 model.py                 # loads the weights; evaluates them on data/test.safetensors
    python3 -c "from model import load; print(load())"
"""
import json
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))

#: The shape of one input sample; a batch is [N, *INPUT_SHAPE].
INPUT_SHAPE = (${shape},)
#: The model outputs one score (logit) per class: [N, CLASSES].
CLASSES = ${pyInt(options.classes, 'classes')}
#: The data the run was trained on.
DATA = ${pyString(options.description.slice(0, 4096), 'the data description')}
#: Raw values (e.g. pixel bytes 0..255) are divided by this to give the model's inputs.
PIXEL_SCALE = ${scale}


def preprocess(raw: torch.Tensor) -> torch.Tensor:
    """Raw samples as Backprop fed them to the model: float32, divided by PIXEL_SCALE, shaped
    [N, *INPUT_SHAPE]. For MNIST-style images that means 0..1 values, a light digit on a dark
    background, 28x28 (Backprop's --invert flips dark-on-light drawings the same way: 255 - value)."""
    x = raw.to(torch.float32) / PIXEL_SCALE
    return x.reshape(-1, *INPUT_SHAPE)


class Sequential(nn.Module):
    """Backprop's Sequential: layers in \`self.layers\` (names layers.N.*)."""

    def __init__(self, *layers: nn.Module):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class BackpropModel(Sequential):
    """Input: a batch of shape [N, ${shape}] (see preprocess); output: one logit per class."""

    def __init__(self):
        super().__init__(
${body}
        )

${SAFETENSORS_PYTHON}

def load(path: str = os.path.join(HERE, "model.safetensors"), device: str = "cpu") -> BackpropModel:
    """The model with the exported weights (strict: every name and shape must match), in eval mode."""
    model = BackpropModel()
    model.load_state_dict(read_safetensors(path), strict=True)
    return model.to(device).eval()


def evaluate(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, batch_size: int = 500):
    """(mean cross-entropy loss, accuracy) of \`model\` on a labelled set, in eval mode, as Backprop's eval."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            x = inputs[start : start + batch_size].to(device)
            y = labels[start : start + batch_size].to(device)
            logits = model(x)
            loss_sum += nn.functional.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
    model.train(was_training)
    return loss_sum / len(labels), correct / len(labels)


def read_data(path: str):
    """(inputs float32 [N, *INPUT_SHAPE], labels int64 [N]) of a data/*.safetensors file."""
    tensors = read_safetensors(path)
    inputs, labels = tensors["inputs"], tensors["labels"].to(torch.int64)
    if tuple(inputs.shape[1:]) != INPUT_SHAPE or inputs.shape[0] != labels.shape[0]:
        raise ValueError(f"{path}: inputs {list(inputs.shape)} and labels {list(labels.shape)} do not fit samples of shape {list(INPUT_SHAPE)}")
    return inputs, labels


if __name__ == "__main__":
    model = load()
    with torch.no_grad():
        print(f"BackpropModel: {sum(p.numel() for p in model.parameters())} parameters, output {list(model(torch.zeros(1, *INPUT_SHAPE${sampleType})).shape)} for one sample")
    test = os.path.join(HERE, "data", "test.safetensors")
    if os.path.exists(test):
        inputs, labels = read_data(test)
        loss, accuracy = evaluate(model, inputs, labels)
        print(f"{len(labels)} test samples of {DATA}: test loss {loss:.4f}   accuracy {100 * accuracy:.2f}%")
`;
}
