// Module: the base of every layer — named parameters, buffers and children in a fixed order,
// train/eval mode, state dicts. Imports the Tensor class and kernels/shape only.
import { formatShape, shapesEqual } from '../kernels/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LayerSpec } from './spec-types.js';

/** Throws `Linear: outFeatures must be a positive integer, got 0` unless `value` is one. */
export function checkPositiveInteger(layer: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${layer}: ${name} must be a positive integer, got ${value}`);
}

/** A module's tensors by dotted PyTorch-style name (`layers.0.weight`). */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shapes must always match. */
  strict?: boolean;
}

/** What `loadStateDict` did not load, when not strict. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base class of layers and models. Subclasses register their parameters, buffers and
 * children in the constructor; registration order is the order of `namedParameters()`, which
 * is the wire layout of flat parameter and gradient buffers, so it never depends on anything else.
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   readonly scale = this.registerParameter('scale', ones([3]));
 *   forward(x: Tensor) { return x.mul(this.scale); }
 * }
 * new Affine().namedParameters(); // [['scale', Tensor]]
 * new Affine().toSpec(); // throws: Affine has no model spec …
 * ```
 */
export abstract class Module {
  /** Training mode (default) or evaluation mode; changes Dropout and BatchNorm. */
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** The computation: input(s) → output. */
  abstract forward(input: Tensor): Tensor;

  /**
   * The JSON spec that rebuilds this module with `buildModel`. Every built-in layer has one; by
   * default a module of your own has none, and this throws an error naming its class and the fix.
   */
  toSpec(): LayerSpec {
    const name = this.constructor.name || 'this module';
    throw new Error(
      `${name} has no model spec: buildModel rebuilds only built-in layers. Override toSpec() in ${name} to return a LayerSpec that rebuilds it (e.g. a 'sequential' of built-in layers), or pass code instead of a spec where one is asked for (@backprop/parallel's model module)`,
    );
  }

  /** Registers a trainable tensor under `name` (it is marked `requiresGrad`) and returns it. */
  protected registerParameter(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    if (value.creator !== null) {
      throw new Error(`registerParameter: '${name}' must be a leaf tensor (use .detach() on a computed value)`);
    }
    value.requiresGrad = true;
    this.#parameters.set(name, value);
    return value;
  }

  /** Registers non-trainable state saved in the state dict (BatchNorm's running statistics). */
  protected registerBuffer(name: string, value: Tensor): Tensor {
    this.#checkName(name);
    this.#buffers.set(name, value);
    return value;
  }

  /** Registers a child module under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName(name);
    this.#children.set(name, module);
    return module;
  }

  #checkName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new Error(`Module: name '${name}' must be non-empty and contain no '.'`);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`Module: '${name}' is already registered`);
    }
  }

  /** Child modules with their names, in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.#children];
  }

  /** Direct child modules, in registration order. */
  children(): Module[] {
    return [...this.#children.values()];
  }

  /**
   * This module and every descendant, depth-first in registration order (PyTorch's `modules()`):
   * the way to find every layer of a kind, e.g. each Dropout or BatchNorm of a model.
   *
   * @example
   * const model = new Sequential(new Linear(4, 3), new Dropout(0.5), new Linear(3, 2));
   * model.modules().filter((m) => m instanceof Dropout).length; // 1
   */
  modules(): Module[] {
    return [this, ...this.children().flatMap((child) => child.modules())];
  }

  /** Every parameter with its dotted name: own ones first, then each child's, recursively. */
  namedParameters(prefix = ''): Array<[string, Tensor]> {
    return this.#collect(prefix, (module) => module.#parameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, parameter]) => parameter);
  }

  /** Every buffer with its dotted name, in the same order as parameters. */
  namedBuffers(prefix = ''): Array<[string, Tensor]> {
    return this.#collect(prefix, (module) => module.#buffers);
  }

  #collect(prefix: string, own: (module: Module) => Map<string, Tensor>): Array<[string, Tensor]> {
    const entries: Array<[string, Tensor]> = [...own(this)].map(([name, t]) => [prefix + name, t]);
    for (const [name, child] of this.#children) entries.push(...child.#collect(`${prefix}${name}.`, own));
    return entries;
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.grad = null;
  }

  /**
   * Parameters and buffers by dotted name, PyTorch's layout (Linear weight is [out, in]). The
   * tensors share memory with the module: copy them if you need a snapshot.
   */
  stateDict(): StateDict {
    return Object.fromEntries(
      [...this.namedParameters(), ...this.namedBuffers()].map(([name, t]) => [name, t.detach()]),
    );
  }

  /**
   * Copies values into the module's own tensors (in place, so views and optimizers stay valid).
   * Every problem is reported at once — missing, unexpected and wrongly shaped keys — and
   * nothing is changed unless everything fits.
   */
  loadStateDict(state: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const { strict = true } = options;
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...own.keys()].filter((name) => !(name in state));
    const unexpectedKeys = Object.keys(state).filter((name) => !own.has(name));
    const wrongShapes = [...own]
      .filter(([name, t]) => name in state && !shapesEqual(state[name]!.shape, t.shape))
      .map(([name, t]) => `${name}: expected ${formatShape(t.shape)}, got ${formatShape(state[name]!.shape)}`);
    if (wrongShapes.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const problems = [
        missingKeys.length > 0 ? `missing keys: ${missingKeys.join(', ')}` : '',
        unexpectedKeys.length > 0 ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
        wrongShapes.length > 0 ? `wrong shapes: ${wrongShapes.join('; ')}` : '',
      ].filter(Boolean);
      throw new Error(`loadStateDict: the state does not fit this model — ${problems.join('; ')}`);
    }
    for (const [name, t] of own) if (name in state) t.data.set(state[name]!.data);
    return { missingKeys, unexpectedKeys };
  }
}
