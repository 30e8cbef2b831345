// Imports point one way (design.md, the README's Layout): every source file belongs to one layer of
// LAYERS, and each import — type imports included — goes to its own layer or one below. Within a
// layer only type imports may point back (no runtime import cycle anywhere). Only kernels/ reaches
// the WebAssembly kernels, and nothing the main entry loads imports node: modules.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The layers, lowest first: a file's layer is the first whose pattern matches its path under src/. */
const LAYERS: ReadonlyArray<{ name: string; files: RegExp }> = [
  { name: 'kernels', files: /^kernels\// },
  { name: 'random', files: /^random\// },
  { name: 'autograd engine', files: /^autograd\/(graph|engine)\.ts$/ },
  { name: 'primitives', files: /^tensor\/primitives\// },
  { name: 'tensor', files: /^tensor\/(tensor|tensor-base|describe|format|validate)\.ts$|^tensor\/composites\// },
  { name: 'tensor functions', files: /^tensor\/(create|functional|conv2d)\.ts$/ },
  { name: 'autograd tools', files: /^autograd\/(gradcheck|assert-finite)\.ts$/ },
  { name: 'ops', files: /^ops\// },
  { name: 'training stack', files: /^(nn|optim|data|metrics|io)\// },
  { name: 'entries', files: /^(index|node)\.ts$/ },
];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Import {
  target: string;
  /** `import type` / `export type`: erased. Any other form (verbatimModuleSyntax) is loaded at run time. */
  typeOnly: boolean;
}

/** Every relative import and re-export of a file, multi-line ones included. */
function importsOf(text: string, file: string): Import[] {
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gms;
  return [...text.matchAll(pattern)].map((match) => ({
    target: resolve(dirname(file), match[2]!.replace(/\.js$/, '.ts')),
    typeOnly: match[1] !== undefined,
  }));
}

const name = (file: string) => relative(sourceRoot, file);
const files = sourceFiles(sourceRoot);
const graph = new Map(files.map((file) => [file, importsOf(readFileSync(file, 'utf8'), file)]));
const layerOf = (file: string) => LAYERS.findIndex((layer) => layer.files.test(name(file)));

describe('import layers', () => {
  it('reads runtime and type imports, multi-line ones included', () => {
    const text =
      "import type { A } from './a.js';\nimport {\n  b,\n  type C,\n} from '../b.js';\nexport { d } from './d.js';\nexport type { E } from './e.js';";
    expect(importsOf(text, join(sourceRoot, 'x/y.ts')).map(({ target, typeOnly }) => [name(target), typeOnly])).toEqual(
      [
        ['x/a.ts', true],
        ['b.ts', false],
        ['x/d.ts', false],
        ['x/e.ts', true],
      ],
    );
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(join(sourceRoot, 'tensor/tensor.ts'))!.map(({ target }) => name(target))).toContain(
      'tensor/tensor-base.ts',
    );
  });

  it('places every source file in a layer', () => {
    expect(files.filter((file) => layerOf(file) < 0).map(name)).toEqual([]);
  });

  it('every import, type imports included, goes to the same layer or a lower one', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const { target, typeOnly } of imports) {
        if (layerOf(target) > layerOf(file)) {
          upward.push(
            `${name(file)} (${LAYERS[layerOf(file)]!.name}) → ${name(target)} (${LAYERS[layerOf(target)]?.name})${typeOnly ? ', type only' : ''}`,
          );
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('tensor.ts imports no loss, layer or optimizer: nothing above the tensor layer', () => {
    const tensorLayer = LAYERS.findIndex((layer) => layer.name === 'tensor');
    const targets = graph.get(join(sourceRoot, 'tensor/tensor.ts'))!.map(({ target }) => target);
    expect(targets.filter((target) => layerOf(target) > tensorLayer).map(name)).toEqual([]);
    expect(targets.map(name).filter((target) => target.startsWith('ops/'))).toEqual([]);
  });

  it('only kernels/ reaches the WebAssembly kernels and the backend switch: one dispatching entry per kernel', () => {
    const outside = [...graph]
      .filter(([file]) => !name(file).startsWith('kernels/') && name(file) !== 'index.ts')
      .flatMap(([file, imports]) =>
        imports
          .filter(({ target }) => /^kernels\/(wasm\/|backend\.ts$)/.test(name(target)))
          .map(({ target }) => `${name(file)} → ${name(target)}`),
      );
    expect(outside).toEqual([]);
  });

  it('each WebAssembly twin has exactly one dispatching entry in kernels/', () => {
    const entries = new Map<string, string[]>();
    for (const [file, imports] of graph) {
      if (
        !name(file).startsWith('kernels/') ||
        name(file).startsWith('kernels/wasm/') ||
        name(file) === 'kernels/backend.ts'
      )
        continue;
      for (const { target } of imports) {
        if (name(target).startsWith('kernels/wasm/'))
          entries.set(name(target), [...new Set([...(entries.get(name(target)) ?? []), name(file)])]);
      }
    }
    expect(Object.fromEntries(entries)).toEqual({
      'kernels/wasm/sgemm.ts': ['kernels/matmul-backend.ts'],
      'kernels/wasm/conv.ts': ['kernels/conv2d.ts'],
      'kernels/wasm/relu.ts': ['kernels/relu.ts'],
      'kernels/wasm/pool.ts': ['kernels/pool.ts'],
      'kernels/wasm/chunk-sum.ts': ['kernels/reduce-chunks.ts'],
      'kernels/wasm/adam.ts': ['kernels/adam.ts'],
    });
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
      for (const { target } of graph.get(file) ?? []) walk(target);
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
      for (const { target, typeOnly } of graph.get(file) ?? []) if (!typeOnly) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
  });
});
