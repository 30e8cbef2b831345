// The main entry must stay usable by a browser bundler: nothing it reaches may import node:* or @backprop/core.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm;

function reachableImports(entry: URL): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (found.has(file.href)) continue;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1]!);
    found.set(file.href, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) pending.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
    }
  }
  return found;
}

describe('src/index.ts', () => {
  it('reaches only relative imports: no node:*, no @backprop/core, no other package', () => {
    const graph = reachableImports(new URL('../src/index.ts', import.meta.url));
    expect(graph.size).toBeGreaterThanOrEqual(5);
    for (const [file, specifiers] of graph) {
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\//);
    }
  });
});

describe('src/images.ts', () => {
  it('reaches relative imports and the three browser-safe decoder packages only: no node:*, no @backprop/core', () => {
    const graph = reachableImports(new URL('../src/images.ts', import.meta.url));
    expect(graph.size).toBeGreaterThanOrEqual(8);
    for (const [file, specifiers] of graph) {
      for (const specifier of specifiers)
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^(\.\.?\/|fast-png$|fflate$|jpeg-js$)/);
    }
  });
});
