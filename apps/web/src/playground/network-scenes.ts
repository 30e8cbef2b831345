// What the network view shows in each mode — values, gradients, and the stages of "one step,
// slowly" — as scenes built from the worker's reports. Wording and scales only: no network math.
import { DIVERGING, GRADIENT } from '../shared/heatmap';
import { formatSignificant as f } from '../shared/page';
import type { LayerWeights } from './network-probe';
import { neuronName } from './network-layout';
import type { NetworkScene, Scale } from './network-view';
import { EXTENT, type GradientReport, type NetworkReport, type PointStep } from './session';

const largest = (arrays: readonly (ArrayLike<number> | null)[]) => {
  let max = 0;
  for (const values of arrays)
    for (let i = 0; i < (values?.length ?? 0); i++) max = Math.max(max, Math.abs(values![i]!));
  return max;
};
const weightsOf = (layers: LayerWeights[]) => layers.map((layer, i) => (i === 0 ? null : layer.weight));
const edgeName = (widths: number[], layer: number, to: number, from: number) =>
  `${neuronName(widths, layer - 1, from)} → ${neuronName(widths, layer, to)}`;
const widthsOf = (weights: LayerWeights[]) => [2, ...weights.slice(1).map((layer) => layer.outputs)];

/** Each neuron's value over the plane (TensorFlow Playground's picture) and the weights. */
export function valuesScene(network: NetworkReport, activation: string): NetworkScene {
  const widths = widthsOf(network.weights);
  const last = widths.length - 1;
  const cells = network.resolution ** 2;
  const weights = weightsOf(network.weights);
  return {
    widths,
    // the inputs span ±EXTENT: scaled to ±1 like the other tiles (hover gives the true values)
    maps: {
      values: network.maps.map((map, layer) => (layer === 0 ? map.map((v) => v / EXTENT) : map)),
      resolution: network.resolution,
    },
    neuronScale: { palette: DIVERGING, range: 1, title: 'neuron value (x₁, x₂ ÷ 6)' },
    edges: weights,
    edgeScale: { palette: DIVERGING, range: largest(weights) || 1, title: 'weight' },
    describeNeuron(layer, index) {
      const map = network.maps[layer]!.subarray(index * cells, (index + 1) * cells);
      const [low, high] = [Math.min(...map), Math.max(...map)];
      const what =
        layer === 0
          ? 'input feature'
          : layer === last
            ? 'class score (softmax turns the two into P)'
            : `${activation}(Σ w·input + b)`;
      const bias = layer === 0 ? '' : `; bias ${f(network.weights[layer]!.bias[index]!)}`;
      return `${neuronName(widths, layer, index)}: ${what}, from ${f(low)} to ${f(high)} over the plane${bias}`;
    },
    describeEdge(layer, to, from) {
      return `weight ${edgeName(widths, layer, to, from)}: ${f(network.weights[layer]!.weight[to * widths[layer - 1]! + from]!)}`;
    },
  };
}

/** The largest |∂loss/∂z| of a neuron and |∂loss/∂w| of an edge in a gradient report. */
export function gradientExtent(gradients: GradientReport): { neuron: number; edge: number } {
  return { neuron: largest(gradients.neurons), edge: largest(weightsOf(gradients.weights)) };
}

/**
 * ∂loss/∂(each neuron) and ∂loss/∂w on the last minibatch, on one diverging scale each, spanning
 * `ranges` (the page passes the largest values since the run started, so colours fade where and
 * when learning stops).
 */
export function gradientsScene(
  network: NetworkReport,
  gradients: GradientReport,
  ranges = gradientExtent(gradients),
): NetworkScene {
  const widths = widthsOf(network.weights);
  const edges = weightsOf(gradients.weights);
  const numbers = gradients.neurons.map((values, layer) => (layer === 0 ? null : values));
  return {
    widths,
    numbers,
    neuronScale: { palette: GRADIENT, range: ranges.neuron || 1, title: 'neuron ∂loss/∂z' },
    edges,
    edgeScale: { palette: GRADIENT, range: ranges.edge || 1, title: '∂loss/∂w' },
    describeNeuron(layer, index) {
      const name = neuronName(widths, layer, index);
      if (layer === 0) return `${name}: an input — nothing to learn, no gradient shown`;
      const z = gradients.neurons[layer]![index]!;
      const dead =
        z === 0
          ? ' — zero: no gradient passes back through this neuron for this minibatch (a dead ReLU looks like this)'
          : '';
      return `${name}: ∂loss/∂z = ${f(z)} summed over the minibatch of ${gradients.batchSize} (= ∂loss/∂bias); ∂loss/∂(its output) = ${f(gradients.activations[layer]![index]!)}${dead}`;
    },
    describeEdge(layer, to, from) {
      const k = to * widths[layer - 1]! + from;
      return `∂loss/∂w ${edgeName(widths, layer, to, from)} = ${f(gradients.weights[layer]!.weight[k]!)} (w = ${f(network.weights[layer]!.weight[k]!)})`;
    },
  };
}

/** The stages of one step on one point: forward layer by layer, loss, backward right to left, descent. */
export type StepStage =
  | { kind: 'forward'; layer: number }
  | { kind: 'loss' }
  | { kind: 'backward'; layer: number }
  | { kind: 'descent' };

/** Every stage in order for a network with `linearLayers` linear layers. */
export function stepStages(linearLayers: number): StepStage[] {
  const forward = Array.from({ length: linearLayers }, (_, i) => ({ kind: 'forward', layer: i + 1 }) as const);
  const backward = Array.from(
    { length: linearLayers },
    (_, i) => ({ kind: 'backward', layer: linearLayers - i }) as const,
  );
  return [...forward, { kind: 'loss' }, ...backward, { kind: 'descent' }];
}

/** The network view at one stage of "one step, slowly": only what has been computed so far. */
export function stepScene(step: PointStep, stage: StepStage, after: LayerWeights[] | null): NetworkScene {
  const { trace } = step;
  const widths = trace.widths;
  const last = widths.length - 1;
  const reached = (layer: number) => (stage.kind === 'forward' ? layer <= stage.layer : true);
  const backReached = (layer: number) =>
    stage.kind === 'descent' || (stage.kind === 'backward' && layer >= stage.layer);
  const backward = stage.kind === 'backward';
  const numbers = backward
    ? trace.preActivationGradients.map((g, layer) => (layer > 0 && backReached(layer) ? g : null))
    : trace.activations.map((a, layer) => (reached(layer) ? a : null));
  const weights = stage.kind === 'descent' && after !== null ? after : step.before;
  const edges = backward
    ? trace.weightGradients.map((g, layer) => (layer > 0 && backReached(layer) ? g.weight : null))
    : weights.map((w, layer) => (layer > 0 && reached(layer) ? w.weight : null));
  const gradientScale = (title: string, values: (ArrayLike<number> | null)[]): Scale => ({
    palette: GRADIENT,
    range: largest(values) || 1,
    title,
  });
  const neuronScale = backward
    ? gradientScale('∂loss/∂z', trace.preActivationGradients)
    : { palette: DIVERGING, range: Math.max(1, largest(trace.activations.slice(1))), title: 'value on this point' };
  const edgeScale = backward
    ? gradientScale(
        '∂loss/∂w',
        trace.weightGradients.map((g) => g.weight),
      )
    : { palette: DIVERGING, range: largest(weightsOf(weights)) || 1, title: 'weight' };
  return {
    widths,
    numbers,
    neuronScale,
    edges,
    edgeScale,
    describeNeuron(layer, index) {
      const name = neuronName(widths, layer, index);
      if (layer === 0) return `${name} = ${f(trace.activations[0]![index]!)} (the point's coordinate)`;
      const z = trace.preActivations[layer]![index]!;
      const a = trace.activations[layer]![index]!;
      const value = layer === last ? `score = ${f(z)}` : `z = Σ w·input + b = ${f(z)}, output a = ${f(a)}`;
      if (!backward && stage.kind !== 'descent') return `${name}: ${value}`;
      return `${name}: ${value}; ∂loss/∂z = ${f(trace.preActivationGradients[layer]![index]!)}, ∂loss/∂a = ${f(trace.activationGradients[layer]![index]!)}`;
    },
    describeEdge(layer, to, from) {
      const k = to * widths[layer - 1]! + from;
      const name = edgeName(widths, layer, to, from);
      const w = step.before[layer]!.weight[k]!;
      const g = trace.weightGradients[layer]!.weight[k]!;
      if (backward) {
        const dz = trace.preActivationGradients[layer]![to]!;
        const input = trace.activations[layer - 1]![from]!;
        return `∂loss/∂w ${name} = ∂loss/∂z(${neuronName(widths, layer, to)}) · input(${neuronName(widths, layer - 1, from)}) = ${f(dz)} × ${f(input)} = ${f(g)}`;
      }
      if (stage.kind === 'descent' && after !== null) {
        const decay = step.l2 > 0 ? ` + ${step.l2}·w` : '';
        return `w ${name}: ${f(w)} → ${f(after[layer]!.weight[k]!)} = w − ${step.learningRate}·(∂loss/∂w${decay}), ∂loss/∂w = ${f(g)}`;
      }
      return `w ${name} = ${f(w)}`;
    },
  };
}
