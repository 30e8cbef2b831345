// The optimizer a trainer is given by name — `{ type: 'adam', lr: 1e-3 }` — and the core optimizer
// the main thread builds from it, which checks the hyperparameters and keeps them (the workers apply
// the same kind's pure update function, optimizer-shard.ts). Must not import node:* modules.
import {
  Adam,
  AdamW,
  RMSprop,
  SGD,
  type AdamOptions,
  type Optimizer,
  type RMSpropOptions,
  type SGDOptions,
  type Tensor,
} from '@backprop/core';

/** The optimizer, by type, with its hyperparameters (those of `SGD` / `Adam` / `RMSprop` in `@backprop/core`). */
export type OptimizerChoice =
  | ({ type: 'sgd' } & Partial<SGDOptions>)
  | ({ type: 'adam' | 'adamw' } & Partial<AdamOptions>)
  | ({ type: 'rmsprop' } & Partial<RMSpropOptions>);

/**
 * The core optimizer `choice` names, over `parameters`; throws for an unknown type or a bad
 * hyperparameter (the optimizer's own message).
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer({ type: 'adam', lr: 1e-3 }, model.parameters());
 * ```
 */
export function createOptimizer(choice: OptimizerChoice, parameters: Iterable<Tensor>): Optimizer {
  const { type, ...hyperparameters } = choice;
  if (type === 'sgd') return new SGD(parameters, hyperparameters as Partial<SGDOptions>);
  if (type === 'adam') return new Adam(parameters, hyperparameters as Partial<AdamOptions>);
  if (type === 'adamw') return new AdamW(parameters, hyperparameters as Partial<AdamOptions>);
  if (type === 'rmsprop') return new RMSprop(parameters, hyperparameters as Partial<RMSpropOptions>);
  throw new Error(
    `DataParallelTrainer: optimizer.type must be 'sgd', 'adam', 'adamw' or 'rmsprop', got ${JSON.stringify(type)}`,
  );
}
