// The built `backprop` CLI (the @backprop/cli devDependency's dist/main.js) run from the web tests:
// train a picture folder, predict a picture — to check that the page and the CLI share model files.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI entry (turbo builds it before this package's tests). */
export const CLI_BINARY = fileURLToPath(new URL('../node_modules/@backprop/cli/dist/main.js', import.meta.url));

/** Runs `backprop ...args` in `cwd` and returns its stdout; throws on a non-zero exit. */
export function runCli(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [CLI_BINARY, ...args], { cwd, encoding: 'utf8' });
}

/**
 * `backprop predict RUN PICTURE --json`: the probabilities in class order, and the class names.
 *
 * @example
 * ```ts
 * cliPredict({ cwd, run: 'cli-run', picture: 'bar.png' }); // { probabilities: [0.9, 0.1], names: ['blue', 'orange'] }
 * ```
 */
export function cliPredict(options: { cwd: string; run: string; picture: string }): {
  probabilities: number[];
  names: string[];
} {
  const line = runCli(['predict', options.run, options.picture, '--json'], options.cwd);
  const { top } = JSON.parse(line) as { top: Array<{ class: number; name: string; probability: number }> };
  top.sort((a, b) => a.class - b.class);
  return { probabilities: top.map((entry) => entry.probability), names: top.map((entry) => entry.name) };
}
