// An optimizer as data — `{ type: 'adam', lr: 1e-3 }` — and the core optimizer it builds, the
// optimizer's counterpart of the model spec (the CLI, the pages and the parallel trainers name
// optimizers this way). Imports the optimizer classes only.
import type { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';

/**
 * An optimizer by type, with the hyperparameters of its class (defaults where left out). The type
 * is the class name in lower case, as in Keras and `timm.create_optimizer`:
 *
 * | type | core class | PyTorch |
 * | --- | --- | --- |
 * | `'sgd'` | `SGD` | `torch.optim.SGD` |
 * | `'adam'` | `Adam` | `torch.optim.Adam` |
 * | `'adamw'` | `AdamW` | `torch.optim.AdamW` |
 * | `'rmsprop'` | `RMSprop` | `torch.optim.RMSprop` |
 */
export type OptimizerSpec =
  | ({ type: 'sgd' } & Partial<SGDOptions>)
  | ({ type: 'adam' | 'adamw' } & Partial<AdamOptions>)
  | ({ type: 'rmsprop' } & Partial<RMSpropOptions>);

/** The optimizer types a spec may name. */
export const OPTIMIZER_TYPES: ReadonlyArray<OptimizerSpec['type']> = ['sgd', 'adam', 'adamw', 'rmsprop'];

/**
 * The core optimizer `spec` names, over `parameters`; throws for an unknown type, and for a bad
 * hyperparameter with the optimizer's own message.
 *
 * @example
 * ```ts
 * const optimizer = buildOptimizer({ type: 'adam', lr: 1e-3 }, model.parameters()); // new Adam(model.parameters(), { lr: 1e-3 })
 * ```
 */
export function buildOptimizer(spec: OptimizerSpec, parameters: Iterable<Tensor>): Optimizer {
  if (typeof spec !== 'object' || spec === null)
    throw new Error(
      `buildOptimizer: expected { type, ...hyperparameters }, e.g. { type: 'adam', lr: 1e-3 }, got ${String(spec)}`,
    );
  const { type, ...hyperparameters } = spec;
  if (type === 'sgd') return new SGD(parameters, hyperparameters as Partial<SGDOptions>);
  if (type === 'adam') return new Adam(parameters, hyperparameters as Partial<AdamOptions>);
  if (type === 'adamw') return new AdamW(parameters, hyperparameters as Partial<AdamOptions>);
  if (type === 'rmsprop') return new RMSprop(parameters, hyperparameters as Partial<RMSpropOptions>);
  const shown = JSON.stringify(type) ?? String(type);
  throw new Error(
    `buildOptimizer: optimizer type must be 'sgd', 'adam', 'adamw' or 'rmsprop' (SGD, Adam, AdamW, RMSprop), got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`,
  );
}
