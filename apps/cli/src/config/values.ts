// Parsing and checking single option values (from flags, strings, or a JSON config file, numbers).
// Imports only errors.ts; every failure is a usage error naming the option, the value and an example.
import { usageError } from '../errors.js';

/** Where a value came from, for messages: `--lr` or `lr in run.json`. */
export interface ValueSource {
  /** The flag, e.g. `--batch-size`. */
  flag: string;
  /** The config file when the value came from one. */
  file?: string;
  /** The key in that file, e.g. `batchSize`. */
  key?: string;
}

function where(source: ValueSource): string {
  return source.file === undefined ? source.flag : `${source.key} in ${source.file}`;
}

/** A value as quoted in a message, cut to 80 characters (a config file may hold anything). */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : String(JSON.stringify(value));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim()))
    return Number(value);
  return Number.NaN;
}

/**
 * An integer of at least `min`.
 *
 * @example
 * ```ts
 * parseInteger('64', { flag: '--batch-size' }, { min: 1, example: '64' }); // 64
 * ```
 */
export function parseInteger(value: unknown, source: ValueSource, rule: { min: number; example: string }): number {
  const number = toNumber(value);
  if (!Number.isSafeInteger(number) || number < rule.min) {
    throw usageError(
      `${where(source)} must be an integer ≥ ${rule.min}, got ${shown(value)} (e.g. ${source.flag} ${rule.example})`,
    );
  }
  return number;
}

/**
 * A finite number above zero.
 *
 * @example
 * ```ts
 * parsePositive('0.001', { flag: '--lr' }, '0.001'); // 0.001
 * ```
 */
export function parsePositive(value: unknown, source: ValueSource, example: string): number {
  const number = toNumber(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw usageError(`${where(source)} must be a number > 0, got ${shown(value)} (e.g. ${source.flag} ${example})`);
  }
  return number;
}

/**
 * One of a fixed set of words.
 *
 * @example
 * ```ts
 * parseChoice('adam', { flag: '--optimizer' }, ['sgd', 'adam'] as const); // 'adam'
 * ```
 */
export function parseChoice<const T extends string>(value: unknown, source: ValueSource, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw usageError(`${where(source)} must be one of ${choices.join(', ')}, got ${shown(value)}`);
  }
  return value as T;
}

/**
 * A non-empty string (a path or a name).
 *
 * @example
 * ```ts
 * parseText('runs/a', { flag: '--out' }); // 'runs/a'
 * ```
 */
export function parseText(value: unknown, source: ValueSource): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw usageError(`${where(source)} must be a non-empty string, got ${shown(value)}`);
  return value;
}

/**
 * A list of positive integers, written `256,128` on the command line or `[256, 128]` in JSON.
 *
 * @example
 * ```ts
 * parseIntegerList('256,128', { flag: '--hidden' }); // [256, 128]
 * ```
 */
export function parseIntegerList(value: unknown, source: ValueSource): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  const numbers = items.map(toNumber);
  if (items.length === 0 || numbers.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw usageError(
      `${where(source)} must be a comma-separated list of integers ≥ 1, got ${shown(value)} (e.g. ${source.flag} 256,128)`,
    );
  }
  return numbers;
}

/**
 * A switch: `true` from a flag, or a JSON boolean from a config file.
 *
 * @example
 * ```ts
 * parseSwitch(true, { flag: '--grayscale' }); // true
 * ```
 */
export function parseSwitch(value: unknown, source: ValueSource): boolean {
  if (typeof value !== 'boolean') throw usageError(`${where(source)} must be true or false, got ${shown(value)}`);
  return value;
}
