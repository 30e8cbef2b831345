// Sequential: layers applied in order, held in a ModuleList child named `layers`, so parameter
// names read `layers.0.weight`. Imports nn/module only.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { LayerSpec, SequentialSpec } from './spec-types.js';

/** An indexed list of modules (children `0`, `1`, …) with no computation of its own. */
export class ModuleList extends Module {
  readonly items: readonly Module[];

  constructor(modules: readonly Module[]) {
    super();
    this.items = modules.map((module, index) => this.registerModule(String(index), module));
  }

  forward(): Tensor {
    throw new Error('ModuleList has no forward(): call its items');
  }

  override toSpec(): LayerSpec {
    throw new Error('ModuleList has no spec of its own: use Sequential');
  }
}

/**
 * Applies its layers one after the other. Parameter names are `layers.<index>.<name>`; the
 * PyTorch equivalent is a module whose attribute `layers` is an `nn.Sequential`.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * model.forward(randn([32, 784])).shape;         // [32, 10]
 * model.namedParameters().map(([name]) => name); // ['layers.0.weight', 'layers.0.bias', ...]
 * ```
 */
export class Sequential extends Module {
  readonly layers: ModuleList;

  constructor(...layers: Module[]) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(layers));
  }

  forward(input: Tensor): Tensor {
    return this.layers.items.reduce((x, layer) => layer.forward(x), input);
  }

  override toSpec(): SequentialSpec {
    return { type: 'sequential', layers: this.layers.items.map((layer) => layer.toSpec()) };
  }
}
