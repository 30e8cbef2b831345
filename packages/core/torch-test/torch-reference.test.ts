// The reference values the parity tests compare Backprop with (test/torch-reference/*.json) are
// what real PyTorch 1.13 computes today: run_all.py runs every reference script under
// /usr/bin/python3's torch, and each script's output must equal its checked-in file — the same
// cases, the same keys, every number within the scripts' printed precision. Together with the
// parity tests (Backprop = the files) this compares Backprop with PyTorch itself.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reviveNumber } from '../test/torch-reference-values.js';

const folder = fileURLToPath(new URL('../test/torch-reference/', import.meta.url));
const scripts = readdirSync(folder)
  .filter((file) => file.endsWith('.py') && file !== 'common.py' && file !== 'run_all.py')
  .map((file) => file.slice(0, -3));

/** Relative tolerance: the scripts print 7 significant digits, so a last-bit difference may move the 7th. */
const RELATIVE = 2e-6;

/** Every place where `actual` (PyTorch now) and `expected` (the checked-in file) differ, as JSON paths. */
function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected) || Number.isNaN(actual))
      return Number.isNaN(expected) && Number.isNaN(actual) ? [] : [`${path}: ${actual} ≠ ${expected}`];
    if (!Number.isFinite(expected) || expected === 0)
      return Object.is(actual, expected) || (expected === 0 && actual === 0)
        ? []
        : [`${path}: ${actual} ≠ ${expected}`];
    return Math.abs(actual - expected) <= RELATIVE * Math.abs(expected) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (actual.length !== expected.length) return [`${path}: ${actual.length} entries ≠ ${expected.length}`];
    return expected.flatMap((item, i) => differences(actual[i], item, `${path}[${i}]`));
  }
  if (
    expected !== null &&
    typeof expected === 'object' &&
    actual !== null &&
    typeof actual === 'object' &&
    !Array.isArray(actual)
  ) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((key) => {
      const [a, e] = [(actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]];
      if (a === undefined || e === undefined)
        return [`${path}.${key}: ${a === undefined ? "missing from PyTorch's output" : 'not in the checked-in file'}`];
      return differences(a, e, `${path}.${key}`);
    });
  }
  return Object.is(actual, expected)
    ? []
    : [`${path}: ${JSON.stringify(actual)?.slice(0, 80)} ≠ ${JSON.stringify(expected)?.slice(0, 80)}`];
}

describe('the tolerance rule', () => {
  it('accepts a 7th-digit difference and reports a larger one, a missing key and a different NaN', () => {
    expect(differences({ a: [1.000001, 'x'], b: Number.NaN }, { a: [1.000002, 'x'], b: Number.NaN })).toEqual([]);
    expect(differences({ a: [1.00001] }, { a: [1] })).toEqual(['$.a[0]: 1.00001 ≠ 1']);
    expect(differences({ a: 1 }, { a: 1, b: 2 })).toEqual(["$.b: missing from PyTorch's output"]);
    expect(differences({ a: Number.NaN, z: -0 }, { a: 0, z: 0 })).toEqual(['$.a: NaN ≠ 0']);
    expect(differences({ a: Infinity }, { a: -Infinity })).toEqual(['$.a: Infinity ≠ -Infinity']);
  });
});

describe('reference values against real PyTorch', () => {
  // stderr is kept (not shown) unless the run fails: PyTorch's UserWarnings are noise here.
  const printed = execFileSync('/usr/bin/python3', [`${folder}run_all.py`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 200_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const live = JSON.parse(printed, reviveNumber) as Record<string, Record<string, unknown>>;

  it('runs every reference script', () => {
    expect(Object.keys(live).sort()).toEqual([...scripts].sort());
    expect(scripts.length).toBeGreaterThanOrEqual(9);
  });

  for (const script of scripts) {
    it(`${script}.py: PyTorch ${String(live[script]?.torch)} prints what ${script}.json holds`, () => {
      const { torch: version, ...now } = live[script]!;
      expect(String(version)).toMatch(/^1\.13\./);
      const { torch: _recordedWith, ...recorded } = JSON.parse(
        readFileSync(`${folder}${script}.json`, 'utf8'),
        reviveNumber,
      ) as Record<string, unknown>;
      expect(differences(now, recorded)).toEqual([]);
    });
  }
});
