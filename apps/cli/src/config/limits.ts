// The CLI's size limits: every size read from a file or a flag is checked against one of these
// before anything is allocated. Documented in the README ("Limits"); imports nothing.

/**
 * Defaults of the limits. `classes` can be raised with `--max-classes` (train, eval); the model's
 * parameter limit is core's `buildModel` default (100 M), which the CLI does not raise.
 *
 * @example
 * ```ts
 * if (classes > LIMITS.classes) throw usageError(`… over the limit of ${LIMITS.classes} (--max-classes)`);
 * ```
 */
export const LIMITS = {
  /** Classes of a model (a confusion matrix is classes² numbers; ImageNet has 1,000). */
  classes: 1000,
  /** Bytes of a --config or --model JSON file. */
  jsonFileBytes: 1_048_576,
  /** Bytes of a CSV file (read as one string: V8's strings end near 512 MiB). */
  csvBytes: 268_435_456,
} as const;
