// The trainer's main-thread model over its life: built at once from a JSON spec, or from a module URL on
// first use (checked before any thread starts), bound to the flat buffers (built-model.ts), and read with
// the running statistics the workers advanced. Must not import node:* modules.
import { Generator, type Module, type Optimizer, type Tensor } from '@backprop/core';
import { installModel, type BuiltModel } from './built-model.js';
import type { MemoryAdapter } from './memory.js';
import { buildFromWire, type WireModel } from './model-source.js';
import type { OptimizerKind } from './optimizer-shard.js';
import { checkModel } from './options.js';
import { loadBuffers } from './running-statistics.js';

/** How the main model is made: the validated options' model and optimizer, and where its buffers live. */
export interface MainModelOptions {
  wire: WireModel;
  /** The model the options' checks built from a spec; null for a module model (imported by `build`). */
  model: Module | null;
  /** Seeds a module model's initial weights. */
  seed: number;
  memory: MemoryAdapter;
  optimizer: { kind: OptimizerKind; create: (parameters: Iterable<Tensor>) => Optimizer };
}

/**
 * The main model, built once; its running statistics refreshed from the workers' buffers when read.
 *
 * @example
 * ```ts
 * const main = new MainModel({ wire, model: null, seed: 1, memory, optimizer: { kind: 'adam', create } });
 * const built = await main.build();           // imports the module, checks and installs the model
 * main.synced('stateDict').model.stateDict(); // the weights and the workers' running statistics
 * ```
 */
export class MainModel {
  #built: BuiltModel | null = null;
  #building: Promise<BuiltModel> | null = null;
  /** The workers moved the running statistics in `built.buffers` since the main model last read them. */
  #statisticsStale = false;

  constructor(readonly options: MainModelOptions) {
    if (options.model !== null) this.#built = this.#install(options.model);
  }

  /** The built model, or null while a module model is not loaded yet. */
  get built(): BuiltModel | null {
    return this.#built;
  }

  /** Builds the model once (a module model: imported, built from the seed, checked); later calls share it. */
  build(): Promise<BuiltModel> {
    if (this.#built !== null) return Promise.resolve(this.#built);
    this.#building ??= buildFromWire(this.options.wire, new Generator(this.options.seed)).then(
      (model) => (this.#built = this.#install(checkModel(model))),
      (error: Error) => {
        throw new Error(`DataParallelTrainer: ${error.message}`, { cause: error });
      },
    );
    return this.#building;
  }

  /** The built model; throws, naming `operation`, while a module model is not loaded yet. */
  require(operation: string): BuiltModel {
    if (this.#built === null)
      throw new Error(
        `DataParallelTrainer.${operation}: the model module is not loaded yet; await trainer.ready() first`,
      );
    return this.#built;
  }

  /** `require(operation)`, with the main model's running statistics refreshed from the workers' buffers. */
  synced(operation: string): BuiltModel {
    const built = this.require(operation);
    if (this.#statisticsStale) loadBuffers(built.model, new Float32Array(built.buffers));
    this.#statisticsStale = false;
    return built;
  }

  /**
   * `synced(operation)`, refused after a failed step (`failure`): its workers may have updated some
   * shards of the weights and optimizer state and not others, so no snapshot of them is consistent.
   */
  intact(operation: string, failure: Error | null): BuiltModel {
    if (failure !== null) {
      throw new Error(
        `DataParallelTrainer.${operation}: the weights may be partly updated by the failed step (${failure.message}); resume from the last checkpoint`,
      );
    }
    return this.synced(operation);
  }

  /** The workers ran a step's update: they advanced the running statistics (if any) in shared memory. */
  updatedInWorkers(built: BuiltModel): void {
    this.#statisticsStale = built.statistics.layers.length > 0;
  }

  #install(model: Module): BuiltModel {
    return installModel(model, this.options.memory, this.options.optimizer);
  }
}
