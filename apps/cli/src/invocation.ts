// How the user can run this CLI again, for the hints it prints ("resume with: …").
import { relative, sep } from 'node:path';

/**
 * `backprop` when running from an installed package, else `node <path to dist/main.js>` relative to
 * the working directory (e.g. `node apps/cli/dist/main.js` after `pnpm train` in a checkout, where
 * no `backprop` is on the PATH).
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
  return `node ${path.includes(' ') ? JSON.stringify(path) : path}`;
}
