// How the user can run this CLI again, for the hints it prints ("resume with: …").
import { join, relative, sep } from 'node:path';

/**
 * `backprop` when running from an installed package; `pnpm backprop` when started by the
 * repository's own `pnpm train` / `pnpm backprop` scripts; else `node <path to dist/main.js>`
 * relative to the working directory (a checkout has no `backprop` on the PATH).
 *
 * @example
 * ```ts
 * `${invocation()} train --resume runs/mnist-cnn-1`
 * ```
 */
export function invocation(): string {
  const script = process.argv[1] ?? '';
  if (script === '' || script.includes(`${sep}node_modules${sep}`)) return 'backprop';
  const path = relative(process.cwd(), script);
  const rootScript = process.env.npm_lifecycle_event === 'train' || process.env.npm_lifecycle_event === 'backprop';
  if (rootScript && path === join('apps', 'cli', 'dist', 'main.js')) return 'pnpm backprop';
  return `node ${shellWord(path)}`;
}

/**
 * `value` as one POSIX shell word, for hints the user may paste: unchanged when it holds only
 * safe characters, else single-quoted (a `'` inside becomes `'\''`).
 *
 * @example
 * ```ts
 * shellWord('runs/a b'); // "'runs/a b'"
 * ```
 */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
