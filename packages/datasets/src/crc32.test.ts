// Tests for crc32 against the standard check value and Node's zlib.crc32.

import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('is 0 for no bytes', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on every byte value and on a longer buffer', () => {
    const bytes = Uint8Array.from({ length: 4099 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    for (let value = 0; value < 256; value++) expect(crc32(Uint8Array.of(value))).toBe(zlibCrc32(Uint8Array.of(value)));
  });
});
