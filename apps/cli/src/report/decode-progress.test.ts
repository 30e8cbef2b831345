// The decoding progress line: every hundred passed in steps of 16 (threads), the end, nothing for small folders.
import { describe, expect, it } from 'vitest';
import { decodeProgress } from './decode-progress.js';

describe('decodeProgress', () => {
  it('shows each hundred passed when progress comes in steps of 16, and the end with a newline', () => {
    const lines: string[] = [];
    const onProgress = decodeProgress((text) => lines.push(text));
    for (let done = 0; done <= 450; done += 16) onProgress(done, 450);
    onProgress(450, 450);
    expect(lines).toEqual([
      '\rdecoding pictures: 112 / 450',
      '\rdecoding pictures: 224 / 450',
      '\rdecoding pictures: 336 / 450',
      '\rdecoding pictures: 448 / 450',
      '\rdecoding pictures: 450 / 450\n',
    ]);
  });

  it('says nothing for fewer than 200 pictures', () => {
    const lines: string[] = [];
    const onProgress = decodeProgress((text) => lines.push(text));
    for (let done = 0; done <= 199; done++) onProgress(done, 199);
    expect(lines).toEqual([]);
  });
});
