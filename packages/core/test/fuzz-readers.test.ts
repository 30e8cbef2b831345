// Seeded fuzz of core's readers (issue 19): mutations of valid safetensors, checkpoint, IDX (plain
// and gzip), CSV and model-spec inputs each decode or throw an ordinary Error — never a RangeError
// from V8 (allocation, stack), a TypeError, or a non-Error. The long run: scripts/fuzz-readers.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator } from '../src/index.js';
import { fuzzTargets, mutate, verdict } from './fuzz-targets.js';

const RUNS = 300;

describe('fuzzed readers', () => {
  for (const target of fuzzTargets()) {
    it(`${target.name}: ${RUNS} seeded mutations decode or are refused with an ordinary Error`, () => {
      const outcomes = { ok: 0, refused: 0 };
      fc.assert(
        fc.property(fc.nat(), fc.nat({ max: target.seeds.length - 1 }), (mutationSeed, seedIndex) => {
          const input = mutate(target.seeds[seedIndex]!, new Generator(mutationSeed), target.text);
          const result = verdict(target, input);
          expect(result).not.toHaveProperty('kind', 'crash');
          outcomes[result.kind as 'ok' | 'refused']++;
        }),
        { seed: 19, numRuns: RUNS },
      );
      // Both outcomes occur: the mutations reach past the first check, and some inputs still read.
      expect(outcomes.refused).toBeGreaterThan(RUNS / 10);
      expect(outcomes.ok + outcomes.refused).toBe(RUNS);
    }, 20_000);
  }

  it('the seeds themselves decode', () => {
    for (const target of fuzzTargets())
      for (const seed of target.seeds) expect(verdict(target, seed), target.name).toEqual({ kind: 'ok' });
  });
});
