// `backprop export DIR`: model.safetensors (weights only, PyTorch names and layouts, format "pt")
// and model.py (the torch.nn twin) written to DIR/pytorch (or --out), for the hand-off to PyTorch.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { saveSafetensors } from '@backprop/core';
import { writeFileAtomic } from '@backprop/core/node';
import { ExitCode, firstLine, runtimeError, usageError } from '../errors.js';
import { torchModule } from '../export/torch-code.js';
import { shellWord } from '../invocation.js';
import { readModelFile } from '../run/model-file.js';
import { runPaths } from '../run/run-directory.js';

/**
 * Runs `backprop export`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await exportCommand('runs/mnist-cnn-1', { quiet: true });
 * ```
 */
export async function exportCommand(directory: string, flags: Record<string, unknown>): Promise<number> {
  if (!existsSync(directory)) throw usageError(`${directory}: no such run directory; give the directory printed by backprop train`);
  const saved = readModelFile(runPaths(directory).model);
  const out = typeof flags.out === 'string' ? flags.out : join(directory, 'pytorch');
  if (existsSync(out) && !statSync(out).isDirectory()) throw usageError(`--out ${out} is a file, not a directory; give a directory for model.safetensors and model.py`);
  const files = { weights: join(out, 'model.safetensors'), code: join(out, 'model.py') };
  if (flags.force !== true) {
    const existing = Object.values(files).find((file) => existsSync(file));
    if (existing !== undefined) throw usageError(`${existing} already exists; add --force to replace it or choose another --out`);
  }
  let code: string;
  try {
    code = torchModule(saved.spec, saved.info.sampleShape);
  } catch (error) {
    throw runtimeError(`${runPaths(directory).model} cannot be exported (${firstLine(error)}); train again or restore the file`, error);
  }
  try {
    mkdirSync(out, { recursive: true });
    await writeFileAtomic(files.weights, saveSafetensors(saved.weights, { format: 'pt' }));
    await writeFileAtomic(files.code, new TextEncoder().encode(code));
  } catch (error) {
    throw runtimeError(`cannot write the export to ${out} (${firstLine(error)}); check --out and its permissions`, error);
  }
  if (flags.quiet !== true) {
    process.stdout.write(`${code}\n`);
    process.stdout.write(`wrote ${files.weights} and ${files.code}\n`);
    process.stdout.write(`check it in Python: python3 ${shellWord(files.code)}  (loads the weights and runs one forward pass; pip install torch safetensors)\n`);
  }
  return ExitCode.ok;
}
