// Writes a WebAssembly module: type, import, function, export and code sections around the bodies.
// Imports only the binary values, the opcode table and the FunctionBuilder type; no kernel.
// Reference: WebAssembly Core Specification 2.0, section 5.5 "Modules".
import { unsignedLeb128 } from './binary-values.js';
import type { FunctionBuilder } from './function-builder.js';
import { OP } from './opcodes.js';

/** A length-prefixed vector of already-encoded items (spec 5.1.3). */
function vector(items: readonly number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

/** A name (spec 5.2.4); the kernels' names are ASCII, which is its own UTF-8. */
function asciiName(name: string): number[] {
  const bytes = Array.from(name, (char) => char.charCodeAt(0));
  if (bytes.some((byte) => byte > 0x7f)) throw new Error(`encodeModule: name '${name}' is not ASCII`);
  return [...unsignedLeb128(bytes.length), ...bytes];
}

export interface ModuleSpec {
  /** The one imported linear memory, `(import "env" "memory" (memory …))`. */
  memory: { module: string; name: string; initialPages: number; maximumPages: number; shared: boolean };
  /** Functions in index order (index i is what `call(i)` refers to); exported under `name`. */
  functions: { name: string; body: FunctionBuilder }[];
}

/** One section: id, byte length, contents (spec 5.5.2). */
function section(id: number, contents: number[]): number[] {
  return [id, ...unsignedLeb128(contents.length), ...contents];
}

/**
 * Encodes a module with one imported memory and exported functions.
 *
 * @example
 * const body = new FunctionBuilder({ x: I32 }, [I32], {});
 * body.get('x').i32(1).add();
 * const bytes = encodeModule({
 *   memory: { module: 'env', name: 'memory', initialPages: 1, maximumPages: 1, shared: false },
 *   functions: [{ name: 'increment', body }],
 * });
 */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  // Type section: one signature per distinct (params, results).
  const signatures: string[] = [];
  const typeIndices = spec.functions.map(({ body }) => {
    const key = JSON.stringify([body.params, body.results]);
    if (!signatures.includes(key)) signatures.push(key);
    return signatures.indexOf(key);
  });
  const types = signatures.map((key) => {
    const [params, results] = JSON.parse(key) as [number[], number[]];
    return [0x60, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t]))];
  });

  const { module, name, initialPages, maximumPages, shared } = spec.memory;
  const limits = [shared ? 0x03 : 0x01, ...unsignedLeb128(initialPages), ...unsignedLeb128(maximumPages)];
  const memoryImport = [...asciiName(module), ...asciiName(name), 0x02, ...limits];

  const exports = spec.functions.map(({ name: exportName }, index) => [
    ...asciiName(exportName),
    0x00,
    ...unsignedLeb128(index),
  ]);

  const bodies = spec.functions.map(({ body }) => {
    // Locals are declared as runs of one type: (count, type) pairs.
    const runs: number[][] = [];
    for (const type of body.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === type) last[0] = last[0]! + 1;
      else runs.push([1, type]);
    }
    const contents = [...vector(runs.map(([count, type]) => [...unsignedLeb128(count!), type!])), ...body.code, OP.end];
    return [...unsignedLeb128(contents.length), ...contents];
  });

  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d], // magic "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(typeIndices.map((index) => unsignedLeb128(index)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
