// The benchmark's settings, read from environment variables with errors that name the variable and
// the accepted values. Pure: takes the environment as an argument.
import type { OptimizerName } from './tasks.js';

/** The report's sections, in order. */
export const SECTION_NAMES = ['matmul', 'mlp', 'cnn', 'memory'] as const;

/** One section of the report. */
export type SectionName = (typeof SECTION_NAMES)[number];

/** What a run of the benchmark does. */
export interface Settings {
  /** Child processes per side and measurement (REPEATS; default 3, with QUICK=1 1). */
  readonly repeats: number;
  /** Multiplies every time budget (QUICK=1: 0.25). */
  readonly timeScale: number;
  /** Sections to run (SECTIONS=matmul,mlp,cnn,memory; default all). */
  readonly sections: readonly SectionName[];
  /** OPTIMIZER=adam (default) or sgd: the same in both libraries. */
  readonly optimizer: OptimizerName;
}

/**
 * Settings from `REPEATS`, `QUICK`, `SECTIONS` and `OPTIMIZER`.
 *
 * @example
 * ```ts
 * readSettings({ QUICK: '1', SECTIONS: 'matmul' }); // { repeats: 1, timeScale: 0.25, sections: ['matmul'], optimizer: 'adam' }
 * ```
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const quick = env.QUICK !== undefined && env.QUICK !== '' && env.QUICK !== '0';
  const repeats = env.REPEATS === undefined || env.REPEATS === '' ? (quick ? 1 : 3) : Number(env.REPEATS);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 25)
    throw new Error(`bench: REPEATS must be a whole number from 1 to 25, got ${JSON.stringify(env.REPEATS)}`);
  const sections = (env.SECTIONS ?? SECTION_NAMES.join(',')).split(',').map((name) => name.trim());
  for (const name of sections) {
    if (!(SECTION_NAMES as readonly string[]).includes(name))
      throw new Error(`bench: SECTIONS lists '${name}'; choose from ${SECTION_NAMES.join(', ')}`);
  }
  const optimizer = env.OPTIMIZER ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd')
    throw new Error(`bench: OPTIMIZER must be 'adam' or 'sgd', got ${JSON.stringify(optimizer)}`);
  return {
    repeats,
    timeScale: quick ? 0.25 : 1,
    sections: SECTION_NAMES.filter((name) => sections.includes(name)),
    optimizer,
  };
}
