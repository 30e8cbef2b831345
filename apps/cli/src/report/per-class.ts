// Per-class accuracy as one short phrase for the epoch line: every class when there are few, the
// worst few when there are many. Imports nothing.

/** For each class k: `count[k]` test samples of class k, `correct[k]` of them predicted as k. */
export interface PerClassCounts {
  correct: number[];
  count: number[];
}

/** Every class is listed up to this many classes; above it, only the {@link WORST_SHOWN} worst. */
export const ALL_CLASSES_SHOWN = 6;
export const WORST_SHOWN = 3;
/** A class name longer than this is cut (folder names may be long). */
const NAME_CHARACTERS = 24;

/**
 * `cat 95.0%, not-cat 87.5%` (class names, or indices when there are none), in class order; with
 * more than {@link ALL_CLASSES_SHOWN} classes, `worst: 8 91.0%, 5 93.1%, 9 94.0% of 10` (lowest
 * accuracy first, classes absent from the test set left out). Empty when there is nothing to say.
 *
 * @example
 * ```ts
 * perClassPhrase({ correct: [19, 14], count: [20, 16] }, ['cat', 'not-cat']); // 'cat 95.0%, not-cat 87.5%'
 * ```
 */
export function perClassPhrase(counts: PerClassCounts, names: readonly string[] | null): string {
  const classes = counts.count.map((count, k) => ({
    name: shortName(names?.[k] ?? String(k)),
    count,
    accuracy: count === 0 ? null : counts.correct[k]! / count,
  }));
  const percent = (accuracy: number | null) => (accuracy === null ? '—' : `${(100 * accuracy).toFixed(1)}%`);
  if (classes.length <= ALL_CLASSES_SHOWN) return classes.map((c) => `${c.name} ${percent(c.accuracy)}`).join(', ');
  const present = classes.filter((c) => c.accuracy !== null).sort((a, b) => a.accuracy! - b.accuracy!);
  if (present.length === 0) return '';
  return `worst: ${present
    .slice(0, WORST_SHOWN)
    .map((c) => `${c.name} ${percent(c.accuracy)}`)
    .join(', ')} of ${classes.length}`;
}

function shortName(name: string): string {
  const characters = [...name];
  return characters.length <= NAME_CHARACTERS ? name : `${characters.slice(0, NAME_CHARACTERS - 1).join('')}…`;
}
