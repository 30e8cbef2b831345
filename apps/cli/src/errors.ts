// The CLI's error kinds and exit codes: one line on stderr naming the problem and the fix.
// Imports nothing; every command throws these, main.ts turns them into exit codes.

/** Exit codes of `backprop` (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Something failed while working: a corrupt or unreadable file, a failed step, a full disk. */
  runtime: 1,
  /** The command line cannot work as typed: unknown flags, bad values, missing files, options that do not fit together. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), after writing a resumable checkpoint. */
  interrupted: 130,
  /** Stopped because stdout was closed (128 + SIGPIPE, what a shell shows for `yes | head -1`), after writing a resumable checkpoint. */
  stdoutClosed: 141,
} as const;

/**
 * An error the user can act on: `message` is the one line printed on stderr (problem and fix).
 *
 * @example
 * ```ts
 * throw new CliError('--lr must be a number > 0, got "-1" (e.g. --lr 0.001)', ExitCode.usage);
 * ```
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 2): fix the command line. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}

/** A runtime error (exit 1), optionally wrapping the error that caused it. */
export function runtimeError(message: string, cause?: unknown): CliError {
  return new CliError(message, ExitCode.runtime, { cause });
}

/** Longest message line the CLI prints: errors may quote a file, and a file's line can be megabytes. */
const MAX_LINE = 1000;

/** The first line of any thrown value's message, cut to {@link MAX_LINE} characters (the CLI prints one line). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n', 1)[0] ?? message;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length - MAX_LINE} more characters)` : line;
}
