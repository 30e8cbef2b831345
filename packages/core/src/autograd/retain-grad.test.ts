// retainGrad(): a non-leaf's gradient kept after backward and accumulated across backward calls, and
// PyTorch's rules for leaves and tensors without grad, against PyTorch 1.13.1 (test/torch-reference/retain-grad.py).
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers.js';
import { torchReference } from '../../test/torch-reference-values.js';
import { crossEntropy, type NestedArray, noGrad, type Tensor, tensor } from '../index.js';

type Grid = number[][];
type MlpNode = 'w1' | 'w2' | 'z1' | 'h' | 'o' | 'loss';

/** test/torch-reference/retain-grad.json: what PyTorch 1.13.1 computes for these cases (float32). */
const TORCH = torchReference<{
  inputs: { x: Grid; labels: number[]; w1: Grid; b1: number[]; w2: Grid; b2: number[] };
  'all retained': { loss: number; grad: Record<MlpNode, Grid | number> };
  'only h retained': {
    grad: Record<MlpNode, Grid | number | null>;
    retainsGrad: Record<'z1' | 'h' | 'o' | 'loss', boolean>;
    'leaves without retain_grad': Record<'w1' | 'w2', Grid>;
  };
  'two backward calls': { 'h after two': Grid; 'h after clearing and one more': Grid };
  'two paths': { x: number; grad: { a: number; x: number } };
  leaf: {
    retainsGrad: boolean;
    grad: number[];
    'error without requires_grad': string | null;
    'error when computed under no_grad': string | null;
  };
}>('retain-grad');

/**
 * A 2-3-2 MLP with a ReLU on two points, built from the inputs test/torch-reference/retain-grad.py
 * printed: z1 = x·W1ᵀ + b1, h = relu(z1), o = h·W2ᵀ + b2, loss = crossEntropy(o, labels). Hidden
 * neuron 1 is dead (z1 < 0 for both points), and z1[0, 2] is exactly 0, where ReLU's gradient is 0
 * in PyTorch.
 */
function mlp() {
  const { x, labels, w1, b1, w2, b2 } = TORCH.inputs;
  const weight = (values: NestedArray) => tensor(values, { requiresGrad: true });
  const [w1Leaf, b1Leaf, w2Leaf, b2Leaf] = [weight(w1), weight(b1), weight(w2), weight(b2)];
  const z1 = tensor(x).matmul(w1Leaf.transpose()).add(b1Leaf);
  const h = z1.relu();
  const o = h.matmul(w2Leaf.transpose()).add(b2Leaf);
  const loss = crossEntropy(o, tensor(labels));
  return { w1: w1Leaf, w2: w2Leaf, z1, h, o, loss };
}

/** Each node's `.grad` beside PyTorch's: null where PyTorch's is None, else within 1e-6. */
function expectGradients(nodes: Record<string, Tensor>, expected: Record<string, Grid | number | null>): void {
  for (const [name, node] of Object.entries(nodes)) {
    expect(expected, `PyTorch's ${name}.grad`).toHaveProperty(name);
    const reference = expected[name] as Grid | number | null;
    if (reference === null) expect(node.grad, `${name}.grad`).toBeNull();
    else {
      expect(node.grad, `${name}.grad (PyTorch keeps one)`).not.toBeNull();
      expectClose(node.grad!, reference, 1e-6);
    }
  }
}

describe('retainGrad', () => {
  it("keeps every intermediate gradient of an MLP, equal to PyTorch's (dead ReLU and kink included)", () => {
    const nodes = mlp();
    const { z1, h, o, loss } = nodes;
    for (const t of [z1, h, o, loss]) t.retainGrad();
    loss.backward();
    expect(loss.item()).toBeCloseTo(TORCH['all retained'].loss, 6);
    expect(loss.grad!.item()).toBe(1); // the root keeps the seed
    // o, h, z1 as retained; w1 and w2: retaining changes nothing for the leaves
    expectGradients(nodes, TORCH['all retained'].grad);
    expect(z1.grad!.toArray()).toEqual([
      [expect.any(Number), 0, 0],
      [expect.any(Number), 0, expect.any(Number)],
    ]);
  });

  it('leaves .grad of a non-leaf null unless asked (PyTorch: None), and the leaves get the same gradients', () => {
    const plain = mlp();
    plain.h.retainGrad();
    plain.loss.backward();
    expect(plain.z1.grad).toBeNull();
    expect(plain.o.grad).toBeNull();
    expect(plain.loss.grad).toBeNull();
    expect(plain.h.grad).not.toBeNull();
    expect([plain.z1.retainsGrad, plain.h.retainsGrad]).toEqual([false, true]);
    const reference = TORCH['only h retained'];
    expectGradients(plain, reference.grad);
    const { z1, h, o, loss } = plain;
    expect({ z1: z1.retainsGrad, h: h.retainsGrad, o: o.retainsGrad, loss: loss.retainsGrad }).toEqual(
      reference.retainsGrad,
    );
    const without = mlp();
    without.loss.backward();
    expect(without.w1.grad!.toArray()).toEqual(plain.w1.grad!.toArray());
    expect(without.w2.grad!.toArray()).toEqual(plain.w2.grad!.toArray());
    expectGradients({ w1: without.w1, w2: without.w2 }, reference['leaves without retain_grad']);
  });

  it('accumulates across two backward calls like a leaf, until .grad is cleared', () => {
    const { h, loss } = mlp();
    h.retainGrad();
    loss.backward();
    loss.backward();
    const reference = TORCH['two backward calls'];
    const once = TORCH['all retained'].grad.h as Grid;
    // PyTorch: h.grad after two `loss.backward(retain_graph=True)` is twice the first.
    expectClose(
      h.grad!,
      once.map((row) => row.map((v) => 2 * v)),
      1e-6,
    );
    expectClose(h.grad!, reference['h after two'], 1e-6);
    h.grad = null;
    loss.backward();
    expectClose(h.grad!, once, 1e-6);
    expectClose(h.grad!, reference['h after clearing and one more'], 1e-6);
  });

  it('sums the contributions of every path into a retained node before keeping it', () => {
    // y = a·a + 3a with a = 2x: ∂y/∂a = 2a + 3 = 11 at x = 2
    const reference = TORCH['two paths'];
    const x = tensor(reference.x, { requiresGrad: true });
    const a = x.mul(2);
    a.retainGrad();
    a.mul(a).add(a.mul(3)).backward();
    expect(a.grad!.item()).toBe(11);
    expect(x.grad!.item()).toBe(22);
    expect({ a: a.grad!.item(), x: x.grad!.item() }).toEqual(reference.grad);
  });

  it('is a no-op on a leaf and refuses a tensor that does not require grad', () => {
    const reference = TORCH.leaf;
    const leaf = tensor([1, 2], { requiresGrad: true });
    leaf.retainGrad();
    expect(leaf.retainsGrad).toBe(false);
    expect(leaf.retainsGrad).toBe(reference.retainsGrad);
    leaf.square().sum().backward();
    expect(leaf.grad!.toArray()).toEqual([2, 4]);
    expect(leaf.grad!.toArray()).toEqual(reference.grad);
    const message =
      /^retainGrad: this tensor does not require grad \(no input had requiresGrad: true, or it was computed inside noGrad\(\)\)/;
    // PyTorch raises too (its own words): "can't retain_grad on Tensor that has requires_grad=False"
    expect(reference['error without requires_grad']).toMatch(/requires_grad=False/);
    expect(reference['error when computed under no_grad']).toMatch(/requires_grad=False/);
    expect(() => tensor([1]).retainGrad()).toThrow(message);
    expect(() => noGrad(() => leaf.mul(2)).retainGrad()).toThrow(message);
  });
});
