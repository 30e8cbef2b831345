// Test helper: runs the built `backprop` binary (dist/main.js) as a child process in a directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built entry point: the tests exercise what users run. */
export const BINARY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh temporary directory for one test. */
export function scratchDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'backprop-cli-'));
}

/**
 * Starts `node dist/main.js ...args` in `cwd`; `onSpawn` gets the child (its pid), `onStdout` sees
 * output as it arrives (e.g. to send SIGINT at the right moment). Resolves when the process exits.
 */
export function runCli(
  args: string[],
  options: {
    cwd: string;
    onStdout?: (text: string, child: ChildProcess) => void;
    onSpawn?: (child: ChildProcess) => void;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BINARY, ...args], {
      cwd: options.cwd,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The JSON events of a `--json` run's stdout. */
export function events(stdout: string): Array<Record<string, unknown> & { event: string }> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { event: string });
}

/**
 * The messages of the `notice` events of a `--json` run's stdout, in order: what the CLI tells the
 * user beside the run (a skipped file, a lowered worker count, a removed stale lock).
 *
 * @example
 * const result = await runCli(['train', '--data', 'damaged', '--skip-bad', '--json'], { cwd });
 * expect(notices(result.stdout).some((m) => m.startsWith('skipped cat/broken.png'))).toBe(true);
 */
export function notices(stdout: string): string[] {
  return events(stdout)
    .filter((e) => e.event === 'notice')
    .map((e) => {
      if (typeof e.message !== 'string')
        throw new Error(`notices: a notice event without a string message: ${JSON.stringify(e).slice(0, 80)}`);
      return e.message;
    });
}
