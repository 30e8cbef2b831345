// Composite activations built from primitives: gelu and silu. No gradient code here.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import type { Tensor } from '../tensor.js';

/** GELU in its exact form, x·Φ(x) = ½·x·(1 + erf(x/√2)), PyTorch's default. */
export function gelu(x: Tensor): Tensor {
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** SiLU, also called swish: x·sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}
