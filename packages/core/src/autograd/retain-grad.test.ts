// retainGrad(): the gradient of a non-leaf kept after backward, against PyTorch 1.13.1's values,
// accumulated across backward calls, and PyTorch's rules for leaves and tensors without grad.
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../test/helpers.js';
import { crossEntropy, noGrad, tensor } from '../index.js';

/**
 * A 2-3-2 MLP with a ReLU on two points. Reference values from PyTorch 1.13.1 (float32):
 * ```python
 * x = torch.tensor([[0.5, -1.0], [1.5, 2.0]]); t = torch.tensor([1, 0])
 * W1 = torch.tensor([[0.3, -0.2], [-0.6, 0.1], [0.8, 0.4]], requires_grad=True)
 * b1 = torch.tensor([0.1, -0.9, 0.0], requires_grad=True)
 * W2 = torch.tensor([[0.7, -0.5, 0.2], [-0.3, 0.9, 0.6]], requires_grad=True)
 * b2 = torch.tensor([0.05, -0.05], requires_grad=True)
 * z1 = x @ W1.T + b1; h = z1.relu(); o = h @ W2.T + b2; loss = F.cross_entropy(o, t)
 * for v in (z1, h, o, loss): v.retain_grad()
 * loss.backward()
 * ```
 * Hidden neuron 1 is dead (z1 < 0 for both points), and z1[0, 2] is exactly 0, where ReLU's
 * gradient is 0 in PyTorch.
 */
function mlp() {
  const x = tensor([
    [0.5, -1.0],
    [1.5, 2.0],
  ]);
  const labels = tensor([1, 0]);
  const w1 = tensor(
    [
      [0.3, -0.2],
      [-0.6, 0.1],
      [0.8, 0.4],
    ],
    { requiresGrad: true },
  );
  const b1 = tensor([0.1, -0.9, 0.0], { requiresGrad: true });
  const w2 = tensor(
    [
      [0.7, -0.5, 0.2],
      [-0.3, 0.9, 0.6],
    ],
    { requiresGrad: true },
  );
  const b2 = tensor([0.05, -0.05], { requiresGrad: true });
  const z1 = x.matmul(w1.transpose()).add(b1);
  const h = z1.relu();
  const o = h.matmul(w2.transpose()).add(b2);
  const loss = crossEntropy(o, labels);
  return { w1, w2, z1, h, o, loss };
}

const TORCH = {
  loss: 1.0054924488067627,
  z1Grad: [
    [0.31706780195236206, 0.0, 0.0],
    [-0.31706780195236206, 0.0, 0.12682713568210602],
  ],
  hGrad: [
    [0.31706780195236206, -0.4438949227333069, -0.12682713568210602],
    [-0.31706780195236206, 0.4438949227333069, 0.12682713568210602],
  ],
  oGrad: [
    [0.31706780195236206, -0.31706780195236206],
    [-0.31706780195236206, 0.31706780195236206],
  ],
  w1Grad: [
    [-0.31706780195236206, -0.9512034058570862],
    [0.0, 0.0],
    [0.19024071097373962, 0.25365427136421204],
  ],
  w2Grad: [
    [0.09512034058570862, 0.0, -0.6341356039047241],
    [-0.09512034058570862, 0.0, 0.6341356039047241],
  ],
};

describe('retainGrad', () => {
  it("keeps every intermediate gradient of an MLP, equal to PyTorch's (dead ReLU and kink included)", () => {
    const { w1, w2, z1, h, o, loss } = mlp();
    for (const t of [z1, h, o, loss]) t.retainGrad();
    loss.backward();
    expect(loss.item()).toBeCloseTo(TORCH.loss, 6);
    expect(loss.grad!.item()).toBe(1); // the root keeps the seed
    expectClose(o.grad!, TORCH.oGrad, 1e-6);
    expectClose(h.grad!, TORCH.hGrad, 1e-6);
    expectClose(z1.grad!, TORCH.z1Grad, 1e-6);
    expect(z1.grad!.toArray()).toEqual([
      [expect.any(Number), 0, 0],
      [expect.any(Number), 0, expect.any(Number)],
    ]);
    // retaining changes nothing for the leaves
    expectClose(w1.grad!, TORCH.w1Grad, 1e-6);
    expectClose(w2.grad!, TORCH.w2Grad, 1e-6);
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
    const without = mlp();
    without.loss.backward();
    expect(without.w1.grad!.toArray()).toEqual(plain.w1.grad!.toArray());
    expect(without.w2.grad!.toArray()).toEqual(plain.w2.grad!.toArray());
  });

  it('accumulates across two backward calls like a leaf, until .grad is cleared', () => {
    // PyTorch: h.grad after two `loss.backward(retain_graph=True)` is twice the first.
    const { h, loss } = mlp();
    h.retainGrad();
    loss.backward();
    loss.backward();
    expectClose(
      h.grad!,
      TORCH.hGrad.map((row) => row.map((v) => 2 * v)),
      1e-6,
    );
    h.grad = null;
    loss.backward();
    expectClose(h.grad!, TORCH.hGrad, 1e-6);
  });

  it('sums the contributions of every path into a retained node before keeping it', () => {
    // y = a·a + 3a with a = 2x: ∂y/∂a = 2a + 3 = 11 at x = 2
    const x = tensor(2, { requiresGrad: true });
    const a = x.mul(2);
    a.retainGrad();
    a.mul(a).add(a.mul(3)).backward();
    expect(a.grad!.item()).toBe(11);
    expect(x.grad!.item()).toBe(22);
  });

  it('is a no-op on a leaf and refuses a tensor that does not require grad', () => {
    const leaf = tensor([1, 2], { requiresGrad: true });
    leaf.retainGrad();
    expect(leaf.retainsGrad).toBe(false);
    leaf.square().sum().backward();
    expect(leaf.grad!.toArray()).toEqual([2, 4]);
    const message =
      /^retainGrad: this tensor does not require grad \(no input had requiresGrad: true, or it was computed inside noGrad\(\)\)/;
    expect(() => tensor([1]).retainGrad()).toThrow(message);
    expect(() => noGrad(() => leaf.mul(2)).retainGrad()).toThrow(message);
  });
});
