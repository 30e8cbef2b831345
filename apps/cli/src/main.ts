#!/usr/bin/env node
// Entry of the `backprop` binary: runs the program and turns every failure into one line on stderr
// and an exit code (2 usage, 1 runtime); stack traces only with --verbose.
import { CommanderError } from 'commander';
import { CliError, ExitCode, firstLine } from './errors.js';
import { createProgram } from './program.js';
import { isStdoutClosed, reportStdoutClosed } from './report/stdout-closed.js';

const verbose = process.argv.includes('--verbose');

function fail(message: string, code: number, error?: unknown): void {
  // NOTE(terminal-escapes): a message may quote a file's contents or a path from one; control
  // characters are shown as \xNN so that nothing in a file can drive the terminal.
  process.stderr.write(
    `backprop: error: ${firstLine(message).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}\n`,
  );
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = code;
}

async function main(): Promise<void> {
  // `backprop eval --json | head`: the reader left; stop quietly (every file is written atomically).
  // `train` stops after the current step instead, as on Ctrl-C (report/stdout-closed.ts).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || isStdoutClosed()) {
      if (!reportStdoutClosed()) process.exit(process.exitCode ?? ExitCode.ok);
      return;
    }
    throw error;
  });
  const program = createProgram((code) => (process.exitCode = code));
  // Commander reports its own errors (unknown flag, missing value) through outputError; we print
  // them in our one-line form and set exit code 2 instead of its 1.
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({ outputError: () => undefined });
  }
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        process.exitCode = ExitCode.ok;
        return;
      }
      if (error.code === 'commander.help') {
        process.exitCode = ExitCode.usage; // no command given: the help went to stderr
        return;
      }
      if (error.code === 'commander.executeSubCommandAsync' || error.exitCode === 0) return;
      const message = error.message.replace(/^error: /, '').replace(/\n/g, ' ');
      const command = process.argv[2] && !process.argv[2].startsWith('-') ? ` ${process.argv[2]}` : '';
      fail(`${message}; see 'backprop${command} --help'`, ExitCode.usage, error);
      return;
    }
    if (error instanceof CliError) {
      fail(error.message, error.exitCode, error.cause ?? error);
      return;
    }
    fail(
      `${firstLine(error)} (an unexpected error; rerun with --verbose for details and report it)`,
      ExitCode.runtime,
      error,
    );
  }
}

await main();
