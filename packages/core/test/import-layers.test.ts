// Imports point one way (design.md): kernels import nothing above them, and no runtime import
// cycle exists anywhere in src/. Type-only imports are erased, so they are allowed to point back.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Files a module imports at run time (skips `import type` and `export type`). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gms;
  const targets: string[] = [];
  for (const match of text.matchAll(pattern)) {
    if (match[1]) continue;
    targets.push(resolve(dirname(file), match[2]!.replace(/\.js$/, '.ts')));
  }
  return targets;
}

const graph = new Map(sourceFiles(sourceRoot).map((file) => [file, runtimeImports(file)]));
const name = (file: string) => relative(sourceRoot, file);

describe('import layers', () => {
  it('finds the source files and their imports', () => {
    expect(graph.size).toBeGreaterThan(20);
    expect(graph.get(join(sourceRoot, 'tensor/tensor.ts'))!.map(name)).toContain('autograd/engine.ts');
  });

  it('kernels import only kernels', () => {
    for (const [file, imports] of graph) {
      if (!name(file).startsWith('kernels/')) continue;
      for (const target of imports) expect(`${name(file)} → ${name(target)}`).toMatch(/→ kernels\//);
    }
  });

  it('the engine and the graph types import nothing above kernels', () => {
    for (const file of ['autograd/engine.ts', 'autograd/graph.ts']) {
      for (const target of graph.get(join(sourceRoot, file))!) {
        expect(`${file} → ${name(target)}`).toMatch(/→ (kernels\/|autograd\/graph)/);
      }
    }
  });

  it('only Node-only files (`*-node.ts`, `node.ts`) import node: modules, so the main entry runs in browsers', () => {
    for (const file of graph.keys()) {
      const usesNode = /from\s+'node:/.test(readFileSync(file, 'utf8'));
      if (usesNode) expect(name(file)).toMatch(/(^|\/|-)node\.ts$/);
    }
    const reachable = new Set<string>();
    const walk = (file: string): void => {
      if (reachable.has(file)) return;
      reachable.add(file);
      for (const target of graph.get(file) ?? []) walk(target);
    };
    walk(join(sourceRoot, 'index.ts'));
    expect([...reachable].map(name).filter((file) => /(^|\/|-)node\.ts$/.test(file))).toEqual([]);
  });

  it('has no runtime import cycle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') throw new Error(`import cycle: ${[...path, file].map(name).join(' → ')}`);
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
  });
});
