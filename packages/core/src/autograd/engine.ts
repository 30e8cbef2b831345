// Reverse-mode engine: topological order, gradient accumulation and un-broadcasting.
// Works on the structural graph of autograd/graph; imports kernels only, never the Tensor class.
import { addInto } from '../kernels/elementwise.js';
import { reduce } from '../kernels/reduce.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from '../kernels/shape.js';
import type { GraphTensor, RawTensor } from './graph.js';

/**
 * Back-propagates `seed` (the gradient of the loss with respect to `root`, same shape) through
 * the graph that produced `root`, adding into `.grad` of every leaf that requires grad and of
 * every non-leaf that called `retainGrad()`.
 * Graphs are kept, so calling it twice accumulates twice (like `retain_graph=True`).
 */
export function runBackward(root: GraphTensor, seed: Float32Array): void {
  const order = topologicalOrder(root);
  const gradients = new Map<GraphTensor, Float32Array>([[root, seed]]);
  // NOTE(ownership): nodes whose pending gradient is a buffer the engine allocated for that node
  // alone, and may therefore add into. Backward rules may hand one buffer to several inputs (add
  // passes the output gradient to both, reshape passes it through), so ownership belongs to the
  // node, never to the buffer: a shared buffer is copied before it is added to.
  const owned = new Set<GraphTensor>();
  for (let position = order.length - 1; position >= 0; position--) {
    const node = order[position]!;
    const gradient = gradients.get(node);
    if (gradient === undefined) continue;
    gradients.delete(node);
    const creator = node.creator;
    // NOTE(retain-grad): a node is visited once, after every path to it has added its share, so
    // `gradient` is complete here: a leaf keeps it, and so does a non-leaf that asked to
    // (PyTorch's retain_grad), accumulating across backward calls like a leaf.
    if (creator === null || node.retainsGrad) node.accumulateGrad(gradient);
    if (creator === null) continue;
    const needsGradient = creator.inputs.map((input) => input.requiresGrad);
    const inputGradients = creator.backward({ data: gradient, shape: node.shape }, needsGradient);
    creator.inputs.forEach((input, index) => {
      const inputGradient = inputGradients[index];
      if (!input.requiresGrad || inputGradient == null) return;
      const reduced = unbroadcast(creator.op, inputGradient, input.shape);
      const existing = gradients.get(input);
      if (existing === undefined) {
        gradients.set(input, reduced);
      } else if (owned.has(input)) {
        addInto(existing, reduced);
      } else {
        const sum = existing.slice();
        addInto(sum, reduced);
        owned.add(input);
        gradients.set(input, sum);
      }
    });
  }
}

/**
 * Nodes that require grad, every node after all of its inputs. Iterative depth-first search,
 * so a chain of 100,000 ops does not overflow the call stack.
 */
function topologicalOrder(root: GraphTensor): GraphTensor[] {
  const order: GraphTensor[] = [];
  const visited = new Set<GraphTensor>();
  const stack: Array<{ node: GraphTensor; inputsDone: boolean }> = [{ node: root, inputsDone: false }];
  while (stack.length > 0) {
    const { node, inputsDone } = stack.pop()!;
    if (inputsDone) {
      order.push(node);
      continue;
    }
    if (visited.has(node)) continue;
    visited.add(node);
    stack.push({ node, inputsDone: true });
    for (const input of node.creator?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ node: input, inputsDone: false });
    }
  }
  return order;
}

/**
 * NOTE(unbroadcast): a primitive that broadcast an input returns that input's gradient in the
 * broadcast (output) shape; here, and only here, it is summed back over the leading axes that
 * broadcasting added and over the axes where the input had length 1.
 */
export function unbroadcast(op: string, gradient: RawTensor, shape: Shape): Float32Array {
  if (shapesEqual(gradient.shape, shape)) return gradient.data;
  const extra = gradient.shape.length - shape.length;
  const axes: number[] = [];
  gradient.shape.forEach((length, axis) => {
    if (axis < extra || (shape[axis - extra] === 1 && length !== 1)) axes.push(axis);
  });
  const summed = axes.length > 0 ? reduce(gradient.data, gradient.shape, axes, 'sum') : gradient.data;
  if (extra < 0 || summed.length !== sizeOf(shape)) {
    throw new Error(
      `backward of ${op}: gradient of shape ${formatShape(gradient.shape)} does not broadcast to input shape ${formatShape(shape)} (a bug in the backward rule of ${op})`,
    );
  }
  return summed;
}
