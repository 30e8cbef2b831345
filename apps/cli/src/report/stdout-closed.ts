// A closed stdout (EPIPE: the reader of a pipe left, as in `backprop train --json | head -1`) as an
// event a command can turn into a stop, and writes to stdout that stop once it is closed.
// Imports nothing.

let closed = false;
let listener: (() => void) | null = null;

/**
 * Called by the bin's stdout error handler on EPIPE; true when a command takes care of it (then
 * the process must not exit: the command stops as it does on Ctrl-C), false otherwise.
 */
export function reportStdoutClosed(): boolean {
  const first = !closed;
  closed = true;
  if (first && listener !== null) listener();
  return listener !== null;
}

/** Whether stdout was found closed. */
export function isStdoutClosed(): boolean {
  return closed;
}

/**
 * Runs `onClosed` once when stdout is found closed, until the returned function is called.
 *
 * @example
 * ```ts
 * const stopListening = onStdoutClosed(() => (stopRequested = 'stdout'));
 * try { await train(); } finally { stopListening(); }
 * ```
 */
export function onStdoutClosed(onClosed: () => void): () => void {
  listener = onClosed;
  return () => {
    if (listener === onClosed) listener = null;
  };
}

/** Writes to stdout unless it is closed (a write to a closed pipe only raises EPIPE again). */
export function writeStdout(text: string): void {
  if (!closed) process.stdout.write(text);
}
