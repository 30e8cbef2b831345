// Picks the reporter for the output: --json, --quiet, a terminal (progress bar) or plain lines.
import { JsonReporter } from './json-reporter.js';
import { LineReporter } from './line-reporter.js';
import { ProgressReporter } from './progress-reporter.js';
import { QuietReporter, type Reporter } from './reporter.js';

/**
 * The reporter for these options and this stdout.
 *
 * @example
 * ```ts
 * const reporter = createReporter({ json: false, quiet: false }); // a bar on a terminal, lines in a pipe
 * ```
 */
export function createReporter(options: { json: boolean; quiet: boolean }): Reporter {
  if (options.json) return new JsonReporter();
  if (options.quiet) return new QuietReporter();
  return process.stdout.isTTY ? new ProgressReporter() : new LineReporter();
}
