// Hyperparameters: the base every optimizer's extends, the option checks with their messages, defaults, copies.
// Imports nothing: the Optimizer base, its state dicts and the optimizers import it.

/** The hyperparameters every optimizer has; subclasses add their own (numbers, booleans, number pairs). */
export interface BaseHyperparameters {
  /** Learning rate. */
  lr: number;
}

/**
 * Throws `Adam: invalid epsilon value: -1 (expected ≥ 0)` unless `valid`; numbers must be finite.
 * Shared by the optimizers' option checks.
 */
export function checkHyperparameter(
  op: string,
  what: string,
  value: unknown,
  valid: (value: number) => boolean,
  expected: string,
): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new Error(`${op}: invalid ${what}: ${String(value)} (expected ${expected})`);
  }
}

/** Throws unless `value` is a boolean (hyperparameters may come from a loaded state dict). */
export function checkFlag(op: string, what: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${op}: ${what} must be true or false, got ${String(value)}`);
}

/** A copy whose number-pair values (Adam's `betas`) are copies too. */
export function copyHyperparameters<H extends object>(hyperparameters: H): H {
  const copy = { ...hyperparameters };
  for (const key of Object.keys(copy) as Array<keyof H>) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = [...value] as H[keyof H];
  }
  return copy;
}

/** `defaults` overridden by the options that are given (an explicit `undefined` keeps the default). */
export function withDefaults<H extends object>(defaults: H, options: Partial<H>): H {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(options) as Array<[keyof H, H[keyof H] | undefined]>) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
