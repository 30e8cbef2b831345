// Python literals from values that may come from a hostile file: each helper accepts only the
// expected kind of value and throws otherwise. Imports nothing.
// NOTE(python-literals): a spec, a sample shape or a description come from a model file, which may
// be hostile. Every value reaches generated Python text through these helpers, which accept only
// numbers, booleans and strings of the expected kind (strings fully escaped to ASCII, or — pyChoice —
// written from the helper's own list of allowed words, never from the value): nothing from a
// file becomes code. Everything else a generated script needs is read at run time from JSON files
// (data, never code).

function refuse(what: string, expected: string, value: unknown): never {
  throw new Error(`torchModule: ${what} must be ${expected}, got ${String(JSON.stringify(value)).slice(0, 80)}`);
}

/**
 * A Python int literal of a non-negative safe integer; anything else throws.
 *
 * @example
 * ```ts
 * pyInt(28, 'height'); // '28'
 * ```
 */
export function pyInt(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    refuse(what, 'a non-negative integer', value);
  return String(value);
}

/**
 * A Python float literal of a finite number (JavaScript's shortest form, e.g. 1e-5, is valid Python).
 *
 * @example
 * ```ts
 * pyFloat(0.25, 'dropout p'); // '0.25'
 * ```
 */
export function pyFloat(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(what, 'a finite number', value);
  return String(value);
}

/**
 * A Python integer axis (may be negative).
 *
 * @example
 * ```ts
 * pyAxis(-1, 'softmax axis'); // '-1'
 * ```
 */
export function pyAxis(value: unknown, what: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) refuse(what, 'an integer', value);
  return String(value);
}

/**
 * `True` for true or absent (PyTorch's default for `bias`), `False` for false; anything else throws.
 *
 * @example
 * ```ts
 * pyBool(undefined, 'linear bias'); // 'True'
 * ```
 */
export function pyBool(value: unknown, what: string): string {
  if (value === undefined || value === true) return 'True';
  if (value === false) return 'False';
  return refuse(what, 'true or false', value);
}

/**
 * A size per spatial axis: an int or a pair `(h, w)`.
 *
 * @example
 * ```ts
 * pyPair([3, 5], 1, 'conv2d kernel'); // '(3, 5)'
 * ```
 */
export function pyPair(value: unknown, fallback: unknown, what: string): string {
  const v = value ?? fallback;
  return Array.isArray(v) && v.length === 2 ? `(${pyInt(v[0], what)}, ${pyInt(v[1], what)})` : pyInt(v, what);
}

/**
 * A double-quoted Python str literal made of printable ASCII only: `"` and `\` are escaped, every
 * other character outside 0x20–0x7e becomes `\xNN`, `\uNNNN` or `\UNNNNNNNN` (by code point), so
 * no value can end the literal, start a line or hide a character.
 *
 * @example
 * ```ts
 * pyString('a "b"\n'); // '"a \\"b\\"\\x0a"'
 * ```
 */
export function pyString(value: unknown, what: string): string {
  if (typeof value !== 'string') refuse(what, 'a string', value);
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * A Python str literal of one of the `allowed` words (e.g. a padding mode), written from this list,
 * not from the value; anything else throws.
 *
 * @example
 * ```ts
 * pyChoice('reflect', ['zeros', 'reflect'], 'conv2d paddingMode'); // "'reflect'"
 * ```
 */
export function pyChoice(value: unknown, allowed: readonly string[], what: string): string {
  const index = typeof value === 'string' ? allowed.indexOf(value) : -1;
  if (index < 0) refuse(what, `one of ${allowed.join(', ')}`, value);
  return `'${allowed[index]!}'`;
}
