// The conversion script reproduces the committed data file byte for byte (reads the `mnist` devDependency; ~3 s).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertMnist, OUTPUT_PATH } from '../scripts/convert-mnist.js';

describe('scripts/convert-mnist.ts', () => {
  it('reproduces data/mnist-10k.bin.gz byte for byte', () => {
    const fresh = convertMnist();
    const committed = readFileSync(OUTPUT_PATH);
    expect(fresh.length).toBe(committed.length);
    expect(Buffer.compare(Buffer.from(fresh), committed)).toBe(0);
  });
});
