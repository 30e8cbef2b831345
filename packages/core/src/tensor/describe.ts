// Bounded descriptions of untrusted values for error messages: the type of a wrong argument, and a
// quoted excerpt of file contents cut to a fixed length. Imports nothing.

/** The longest excerpt of a value quoted in an error message, in characters (before the ellipsis). */
export const EXCERPT_LENGTH = 80;

/**
 * What a wrong argument was, for error messages: `'string'`, `'an array'`, `'Map'`, `'null'`.
 *
 * @example
 * ```ts
 * describeType('123');        // 'string'
 * describeType(new Map());    // 'Map'
 * ```
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name.slice(0, EXCERPT_LENGTH) : 'an object';
  }
  return typeof value;
}

/**
 * `text` quoted as a JSON string and cut to {@link EXCERPT_LENGTH} characters (`…` and the full
 * length added when cut): file contents in an error message never grow with the file.
 *
 * @example
 * ```ts
 * excerpt('x'.repeat(10_000)); // '"xxxx…xxx"… (10,000 characters)'
 * ```
 */
export function excerpt(text: string, limit = EXCERPT_LENGTH): string {
  if (text.length <= limit) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, limit))}… (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * `text` cut to {@link EXCERPT_LENGTH} characters, unquoted (`…` and the full length added when
 * cut): for names read from a file, quoted by the caller.
 *
 * @example
 * ```ts
 * `tensor '${clip(name)}'`;
 * ```
 */
export function clip(text: string, limit = EXCERPT_LENGTH): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * A JSON rendering of any value, cut like {@link excerpt}. Never throws (cycles, BigInts and
 * huge values are described, not serialised in full).
 *
 * @example
 * ```ts
 * excerptJson({ units: 'many' }); // '{"units":"many"}'
 * ```
 */
export function excerptJson(value: unknown, limit = EXCERPT_LENGTH): string {
  if (typeof value === 'string') return excerpt(value, limit);
  if (typeof value !== 'object' || value === null) return String(value); // numbers keep NaN and Infinity
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item));
  } catch {
    return describeType(value);
  }
  if (text === undefined) return String(value);
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length.toLocaleString('en-US')} characters)`;
}
