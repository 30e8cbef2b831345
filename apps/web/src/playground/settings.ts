// The Playground's settings and their URL form (?dataset=circles&layers=2&…&seed=1): parsing checks
// every value, keeps the valid ones and reports the others, so a shared link replays the same run.

export const DATASETS = ['circles', 'xor', 'gaussians', 'spiral'] as const;
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid'] as const;
/** Learning rates offered by the page (TensorFlow Playground's list); the URL accepts any in (0, 10]. */
export const LEARNING_RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
/** L2 (weight decay) rates offered by the page; the URL accepts any in [0, 10]. */
export const L2_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1] as const;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Everything that decides a Playground run. */
export interface PlaygroundSettings {
  dataset: DatasetName;
  /** Hidden layers, 0..6. */
  layers: number;
  /** Neurons per hidden layer, 1..16. */
  neurons: number;
  activation: ActivationName;
  learningRate: number;
  /** Minibatch size, 1..100. */
  batchSize: number;
  /** L2 regularisation, applied as SGD weight decay (λ·θ added to the gradient). */
  l2: number;
  /** Noise in percent, 0..50 (Playground's scale). */
  noise: number;
  /** Share of the points used for training, in percent, 10..90. */
  trainRatio: number;
  /** Seeds the points, the split, the initial weights and the batch order. */
  seed: number;
}

export const DEFAULT_SETTINGS: Readonly<PlaygroundSettings> = {
  dataset: 'circles',
  layers: 2,
  neurons: 6,
  activation: 'tanh',
  learningRate: 0.03,
  batchSize: 10,
  l2: 0,
  noise: 0,
  trainRatio: 50,
  seed: 1,
};

type Field = keyof PlaygroundSettings;
type Reader = (text: string) => string | number | undefined;

const integer =
  (low: number, high: number): Reader =>
  (text) => {
    const value = Number(text);
    return /^-?\d+$/.test(text) && value >= low && value <= high ? value : undefined;
  };
const number =
  (accept: (value: number) => boolean): Reader =>
  (text) => {
    const value = Number(text);
    return text.trim() !== '' && Number.isFinite(value) && accept(value) ? value : undefined;
  };
const oneOf =
  <T extends string>(choices: readonly T[]): Reader =>
  (text) =>
    choices.includes(text as T) ? (text as T) : undefined;

/** Each URL key, how it is read, and what it accepts (for the message). */
const FIELDS: Record<Field, { read: Reader; accepts: string }> = {
  dataset: { read: oneOf(DATASETS), accepts: DATASETS.join(', ') },
  layers: { read: integer(0, 6), accepts: 'an integer 0–6' },
  neurons: { read: integer(1, 16), accepts: 'an integer 1–16' },
  activation: { read: oneOf(ACTIVATIONS), accepts: ACTIVATIONS.join(', ') },
  learningRate: { read: number((v) => v > 0 && v <= 10), accepts: 'a number in (0, 10]' },
  batchSize: { read: integer(1, 100), accepts: 'an integer 1–100' },
  l2: { read: number((v) => v >= 0 && v <= 10), accepts: 'a number in [0, 10]' },
  noise: { read: integer(0, 50), accepts: 'an integer 0–50 (percent)' },
  trainRatio: { read: integer(10, 90), accepts: 'an integer 10–90 (percent)' },
  seed: { read: integer(0, 2 ** 31 - 1), accepts: 'an integer 0–2147483647' },
};

/**
 * Settings from a URL query. Missing keys take their defaults; an invalid value also takes its
 * default and adds a problem naming the key, the value and what it accepts; unknown keys are
 * reported too.
 *
 * @example
 * ```ts
 * parseSettings('?dataset=xor&layers=9');
 * // { settings: { ...DEFAULT_SETTINGS, dataset: 'xor' }, problems: ['layers=9 is not valid: expected an integer 0–6; using 2'] }
 * ```
 */
export function parseSettings(search: string): { settings: PlaygroundSettings; problems: string[] } {
  const parameters = new URLSearchParams(search);
  const settings: PlaygroundSettings = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  for (const [key, text] of parameters) {
    if (!Object.hasOwn(FIELDS, key)) {
      problems.push(`${key}=${text} is not a setting (known: ${Object.keys(FIELDS).join(', ')}); ignored`);
      continue;
    }
    const field = key as Field;
    const value = FIELDS[field].read(text);
    if (value === undefined)
      problems.push(`${key}=${text} is not valid: expected ${FIELDS[field].accepts}; using ${DEFAULT_SETTINGS[field]}`);
    else (settings as unknown as Record<Field, unknown>)[field] = value;
  }
  return { settings, problems };
}

/**
 * The URL query holding every setting, in a fixed order: `parseSettings(toSearch(s)).settings` equals `s`.
 *
 * @example
 * ```ts
 * history.replaceState(null, '', `?${toSearch(settings)}`);
 * ```
 */
export function toSearch(settings: PlaygroundSettings): string {
  return new URLSearchParams(Object.keys(FIELDS).map((key) => [key, String(settings[key as Field])])).toString();
}
