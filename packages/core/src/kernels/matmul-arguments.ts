// Argument checks shared by the matmul kernels (TypeScript and WebAssembly), with errors that name
// the operation, the values and the fix. Imports nothing.

/** Throws unless `value` is a non-negative integer. */
export function requireSize(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
  }
}

/** Throws unless array[offset, offset + count) exists; `what` explains `count` (e.g. "m·k = 2·3"). */
export function requireSpan(
  op: string,
  name: string,
  array: Float32Array,
  offset: number,
  count: number,
  what: string,
): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${op}: ${name}Offset must be a non-negative integer, got ${offset}`);
  }
  if (offset + count > array.length) {
    throw new RangeError(
      `${op}: ${name} needs ${what} = ${count} elements from offset ${offset}, but has ` +
        `${Math.max(0, array.length - offset)} (length ${array.length}); pass a larger array or smaller sizes`,
    );
  }
}

/**
 * Checks the arguments of an out[m×n] = op(a)·op(b) call: sizes are non-negative integers and each
 * operand holds its m·k, k·n and m·n elements from its offset (a transposed operand has as many).
 *
 * @example
 * checkMatmulArguments('matmulInto', a, b, out, 2, 3, 4, 0, 0, 0); // throws a RangeError if `a` has < 6 elements
 */
export function checkMatmulArguments(
  op: string,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  aOffset: number,
  bOffset: number,
  outOffset: number,
): void {
  requireSize(op, 'm', m);
  requireSize(op, 'k', k);
  requireSize(op, 'n', n);
  requireSpan(op, 'a', a, aOffset, m * k, `m·k = ${m}·${k}`);
  requireSpan(op, 'b', b, bOffset, k * n, `k·n = ${k}·${n}`);
  requireSpan(op, 'out', out, outOffset, m * n, `m·n = ${m}·${n}`);
}
