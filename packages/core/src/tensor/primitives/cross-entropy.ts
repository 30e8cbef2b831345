// Softmax cross-entropy over the class axis of [N, C] scores, fused: one primitive instead of the
// composite's max, subtract, exp, sum, log, gather and negate (and their backward rules).
// Imports graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';

/**
 * Per-row loss of scores [N, C] against class indices `labels` (N integers, checked by the
 * caller), with label smoothing ε: loss_i = logΣ_j e^{x_ij} − (1 − ε)·x_{i,y_i} − (ε/C)·Σ_j x_ij,
 * i.e. −(1 − ε)·log p_{i,y_i} − (ε/C)·Σ_j log p_ij. Output [N].
 *
 * NOTE(fused-cross-entropy): the backward rule is g_i·(softmax_i − (1 − ε)·onehot_i − ε/C), the
 * softmax kept from the forward pass. Rows are shifted by their maximum, as the composite's
 * logSoftmax does, so ±1000 stays finite; sums run in float64 per row.
 */
export function softmaxCrossEntropy(scores: RawTensor, labels: Float32Array, smoothing: number): PrimitiveResult {
  const [rows, classes] = scores.shape as [number, number];
  const x = scores.data;
  const probabilities = new Float32Array(rows * classes);
  const loss = new Float32Array(rows);
  for (let i = 0, offset = 0; i < rows; i++, offset += classes) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < classes; j++) max = Math.max(max, x[offset + j]!);
    let sum = 0;
    let total = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(x[offset + j]! - max);
      probabilities[offset + j] = e;
      sum += e;
      total += x[offset + j]!;
    }
    for (let j = 0; j < classes; j++) probabilities[offset + j] = probabilities[offset + j]! / sum;
    const logSumExp = max + Math.log(sum);
    loss[i] = logSumExp - (1 - smoothing) * x[offset + labels[i]!]! - (smoothing / classes) * total;
  }
  return {
    output: { data: loss, shape: [rows] },
    backward: ({ data: g }) => {
      const gradient = new Float32Array(rows * classes);
      const uniform = smoothing / classes;
      for (let i = 0, offset = 0; i < rows; i++, offset += classes) {
        const gi = g[i]!;
        for (let j = 0; j < classes; j++) gradient[offset + j] = gi * (probabilities[offset + j]! - uniform);
        gradient[offset + labels[i]!] = gradient[offset + labels[i]!]! - gi * (1 - smoothing);
      }
      return [{ data: gradient, shape: scores.shape }];
    },
  };
}

/** PyTorch's floor under p·(1 − p) in the binary cross-entropy gradient. */
const BCE_EPSILON = 1e-12;

/**
 * Binary cross-entropy per element of probabilities p against targets t (same shape, checked by
 * the caller): −(t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)), as PyTorch's
 * `binary_cross_entropy` with `reduction='none'`.
 *
 * NOTE(bce-gradient): PyTorch's backward rule is not the derivative of the clamped logs: it is
 * ∂/∂p = (p − t) / max(p·(1 − p), 1e-12) and ∂/∂t = log(1 − p) − log p (unclamped). So p = 0 with
 * t = 1 gives −1e12 (not 0), p = t ∈ {0, 1} gives 0, and a sample whose sigmoid saturates gets a
 * finite gradient — the composite of clamp and log gave ±1, 0, −1/p and −∞ there.
 */
export function binaryCrossEntropy(probabilities: RawTensor, targets: RawTensor): PrimitiveResult {
  const p = probabilities.data;
  const t = targets.data;
  const loss = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const logP = Math.max(Math.log(p[i]!), -100);
    const logNotP = Math.max(Math.log(1 - p[i]!), -100);
    loss[i] = -(t[i]! * logP + (1 - t[i]!) * logNotP);
  }
  const shape = probabilities.shape;
  return {
    output: { data: loss, shape },
    backward: ({ data: g }, [needsProbabilities, needsTargets]) => {
      let gradientP: RawTensor | null = null;
      let gradientT: RawTensor | null = null;
      if (needsProbabilities) {
        const gradient = new Float32Array(p.length);
        for (let i = 0; i < p.length; i++)
          gradient[i] = (g[i]! * (p[i]! - t[i]!)) / Math.max(p[i]! * (1 - p[i]!), BCE_EPSILON);
        gradientP = { data: gradient, shape };
      }
      if (needsTargets) {
        const gradient = new Float32Array(p.length);
        for (let i = 0; i < p.length; i++) gradient[i] = g[i]! * (Math.log(1 - p[i]!) - Math.log(p[i]!));
        gradientT = { data: gradient, shape };
      }
      return [gradientP, gradientT];
    },
  };
}
