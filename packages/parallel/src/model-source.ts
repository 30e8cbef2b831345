// Where a trainer and its workers get the model from: a JSON model spec (`buildModel`), or the URL of
// an ES module whose factory builds it (for models a spec cannot express). The main thread and every
// worker build the same module tree the same way. Shared by all threads: must not import node:*.
import { buildModel, Module, type Generator, type ModelSpec } from '@backprop/core';

/**
 * A model for the trainer: a JSON spec, or the absolute URL (string or `URL`, e.g.
 * `new URL('./model.js', import.meta.url)`) of an ES module that exports a {@link ModelFactory} as
 * `createModel` or as its default export.
 */
export type ModelSource = ModelSpec | string | URL;

/** What a model module's factory receives: the generator to initialise the weights from. */
export interface ModelFactoryOptions {
  generator: Generator;
}

/**
 * The export of a model module: builds a fresh `Module` — the same tree on every call — drawing its
 * initial weights from `generator` (the trainer's seed; workers' replicas get the shared weights).
 *
 * @example
 * ```ts
 * // model.ts
 * import { Linear, Module, type Tensor } from '@backprop/core';
 * class Residual extends Module {
 *   readonly inner: Linear;
 *   constructor(generator) { super(); this.inner = this.registerModule('inner', new Linear(16, 16, { generator })); }
 *   forward(x: Tensor): Tensor { return x.add(this.inner.forward(x).relu()); }
 * }
 * export const createModel = ({ generator }) => new Residual(generator);
 * ```
 */
export type ModelFactory = (options: ModelFactoryOptions) => Module;

/** The model as it travels to workers: the spec itself, or the module's URL (a string). */
export type WireModel = { kind: 'spec'; spec: ModelSpec } | { kind: 'module'; url: string };

/** Classifies a `ModelSource`; throws if a module reference is not an absolute URL. */
export function toWireModel(source: ModelSource): WireModel {
  if (source instanceof URL) return { kind: 'module', url: source.href };
  if (typeof source !== 'string') return { kind: 'spec', spec: source };
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new Error(
      `model: '${source}' is not an absolute URL; give a JSON spec, or a module URL such as new URL('./model.js', import.meta.url) or pathToFileURL(path)`,
    );
  }
  return { kind: 'module', url: url.href };
}

/** Builds the model a `WireModel` describes, with its initial weights drawn from `generator`. */
export async function buildFromWire(model: WireModel, generator: Generator): Promise<Module> {
  if (model.kind === 'spec') return buildModel(model.spec, { generator });
  let exports: Record<string, unknown>;
  try {
    exports = (await import(/* @vite-ignore */ model.url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`the model module ${model.url} cannot be imported: ${(error as Error).message}`, { cause: error });
  }
  const factory = exports.createModel ?? exports.default;
  if (typeof factory !== 'function') {
    throw new Error(
      `the model module ${model.url} exports no factory: export a function createModel({ generator }) (or a default export) that returns a Module`,
    );
  }
  const built = (factory as ModelFactory)({ generator });
  if (!(built instanceof Module)) {
    const looksLikeModule = typeof (built as Partial<Module> | null)?.namedParameters === 'function';
    throw new Error(
      looksLikeModule
        ? `the model module ${model.url} builds its Module from another copy of @backprop/core than @backprop/parallel uses; make both import the same @backprop/core`
        : `the model module ${model.url}: its factory returned ${describe(built)}, not a Module from @backprop/core`,
    );
  }
  return built;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `an object of class ${value.constructor?.name ?? 'Object'}`;
}
