import { buildModel, crossEntropy, Generator, noGrad, Tensor, type Module } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { layerWeights, neuronMaps, sumOverBatch, traceBatch } from './network-probe';
import { gridPoints, PlaygroundSession, playgroundSpec } from './session';
import { DEFAULT_SETTINGS } from './settings';

const model = (activation: 'tanh' | 'relu' = 'tanh', seed = 3): Module =>
  buildModel(playgroundSpec({ layers: 2, neurons: 3, activation }), { generator: new Generator(seed) });
const batch = () =>
  [new Tensor(Float32Array.of(1, -2, 0.5, 3, -4, 1), [3, 2]), new Tensor(Float32Array.of(1, 0, 1), [3])] as const;

describe('neuronMaps', () => {
  it("gives every neuron's value over the grid, neuron-major, ending in the model's own scores", () => {
    const net = model();
    const grid = gridPoints(4);
    const maps = neuronMaps(net, grid);
    expect(maps.map((m) => m.length)).toEqual([2 * 16, 3 * 16, 3 * 16, 2 * 16]);
    const scores = noGrad(() => net.forward(grid)).data;
    for (let p = 0; p < 16; p++) for (let c = 0; c < 2; c++) expect(maps[3]![c * 16 + p]).toBe(scores[p * 2 + c]);
    // neuron 1 of the first hidden layer at grid point 5, by hand: tanh(w·x + b)
    const [, first] = layerWeights(net);
    const [x, y] = [grid.data[10]!, grid.data[11]!];
    expect(maps[1]![16 + 5]).toBeCloseTo(Math.tanh(first!.weight[2]! * x + first!.weight[3]! * y + first!.bias[1]!), 6);
    expect(maps[0]!.subarray(16, 32)[5]).toBe(y); // input feature x₂
  });
});

describe('traceBatch', () => {
  it("equals the engine's plain forward and backward, and its numbers obey the chain rule", () => {
    const [inputs, labels] = batch();
    const plain = model();
    const loss = crossEntropy(plain.forward(inputs), labels);
    loss.backward();
    const net = model();
    const trace = traceBatch(net, inputs, labels);
    expect(trace.loss).toBe(loss.item());
    expect(trace.widths).toEqual([2, 3, 3, 2]);
    const plainGrads = plain.parameters().map((p) => [...p.grad!.data]);
    const tracedGrads = trace.weightGradients.slice(1).flatMap((layer) => [[...layer.weight], [...layer.bias]]);
    expect(tracedGrads).toEqual(plainGrads);
    // ∂loss/∂b = Σ_b ∂loss/∂z;  ∂loss/∂W[o][i] = Σ_b ∂loss/∂z[b][o] · a_prev[b][i];  ∂loss/∂a = Wᵀ ∂loss/∂z_next
    const sums = sumOverBatch(trace.preActivationGradients, trace.widths);
    for (let layer = 1; layer < 4; layer++) {
      const { inputs: n, outputs: m, weight, bias } = trace.weightGradients[layer]!;
      for (let o = 0; o < m; o++) {
        expect(bias[o]).toBeCloseTo(sums[layer]![o]!, 6);
        for (let i = 0; i < n; i++) {
          let product = 0;
          for (let b = 0; b < 3; b++)
            product += trace.preActivationGradients[layer]![b * m + o]! * trace.activations[layer - 1]![b * n + i]!;
          expect(weight[o * n + i]).toBeCloseTo(product, 6);
        }
      }
    }
    const w2 = layerWeights(net)[2]!;
    let back = 0;
    for (let o = 0; o < 3; o++) back += w2.weight[o * 3 + 1]! * trace.preActivationGradients[2]![o]!;
    expect(trace.activationGradients[1]![1]).toBeCloseTo(back, 6);
    expect(trace.probabilities[0]! + trace.probabilities[1]!).toBeCloseTo(1, 6);
  });

  it('shows a dead ReLU as a neuron with zero gradient, while the gradient reaching its output is not zero', () => {
    const net = model('relu');
    const [inputs, labels] = batch();
    layerWeights(net); // (the copy must not alias the model's weights)
    const first = net.parameters()[1]!; // layers.0.bias
    first.data[2] = -100; // neuron 2 of hidden layer 1 never fires
    const trace = traceBatch(net, inputs, labels);
    const sums = sumOverBatch(trace.preActivationGradients, trace.widths);
    expect(sums[1]![2]).toBe(0);
    expect([...trace.weightGradients[1]!.weight.subarray(4, 6)]).toEqual([0, 0]);
    expect(sumOverBatch(trace.activationGradients, trace.widths)[1]![2]).not.toBe(0);
    expect(sums[1]![0]! !== 0 || sums[1]![1]! !== 0).toBe(true);
  });
});

describe('PlaygroundSession: network, gradients, one step on one point', () => {
  it('gradients on the last minibatch are nonzero and shrink as training lowers the loss', async () => {
    // A minibatch of 10 gives noisy gradients (they grow first, leaving the flat start): compare the
    // median over five epochs while the loss is high with the median once it is low.
    const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, dataset: 'circles' });
    const norm = () => Math.hypot(...session.gradients().weights.flatMap((layer) => [...layer.weight, ...layer.bias]));
    const medianOver = async (epochs: number) => {
      const norms: number[] = [];
      for (let epoch = 0; epoch < epochs; epoch++) {
        await session.train(1);
        norms.push(norm());
      }
      norms.sort((a, b) => a - b);
      return { norm: norms[epochs >> 1]!, loss: session.report().trainLoss };
    };
    await session.train(15);
    const early = await medianOver(5);
    await session.train(80);
    const late = await medianOver(5);
    expect(late.loss).toBeLessThan(early.loss / 4);
    expect(late.norm).toBeLessThan(early.norm / 2);
    expect(late.norm).toBeGreaterThan(0);
  });

  it('steps one point: after = before − lr·∂loss/∂w (+ L2), and refuses weights that changed since the trace', async () => {
    const session = new PlaygroundSession({ ...DEFAULT_SETTINGS, l2: 0.01, learningRate: 0.3 });
    await session.train(1);
    const step = session.tracePoint(7);
    expect(step.label).toBe(session.trainPoints.labels[7]);
    expect([...step.trace.activations[0]!]).toEqual([...session.trainPoints.inputs.subarray(14, 16)]);
    expect(step.trace.loss).toBeCloseTo(-Math.log(step.trace.probabilities[step.label]!), 5);
    const after = session.stepTraced();
    for (let layer = 1; layer < after.length; layer++) {
      const [b, a, g] = [step.before[layer]!, after[layer]!, step.trace.weightGradients[layer]!];
      for (let i = 0; i < b.weight.length; i++)
        expect(a.weight[i]).toBeCloseTo(b.weight[i]! - 0.3 * (g.weight[i]! + 0.01 * b.weight[i]!), 6);
      for (let i = 0; i < b.bias.length; i++)
        expect(a.bias[i]).toBeCloseTo(b.bias[i]! - 0.3 * (g.bias[i]! + 0.01 * b.bias[i]!), 6);
    }
    expect(() => session.stepTraced()).toThrow(
      /stepTraced: the weights changed since the point was traced \(or none was\)/,
    );
    session.tracePoint(0);
    await session.train(1);
    expect(() => session.stepTraced()).toThrow(/pick the point again/);
    expect(() => session.tracePoint(250)).toThrow('tracePoint: point 250 is not one of the 250 training points');
    expect(session.network(5).maps.map((m) => m.length)).toEqual([50, 150, 150, 50]);
  });
});
