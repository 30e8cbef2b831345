// The line a terminal shows while a large picture folder decodes, before the run's reporter starts.
// Imports nothing.

/** Folders with fewer pictures decode too fast to need a progress line. */
const MIN_PICTURES = 200;
/** A new line is shown each time this many more pictures are done. */
const STEP = 100;

/**
 * An `onProgress(done, total)` that writes `\rdecoding pictures: done / total` each time another
 * {@link STEP} pictures are done, and at the end with a newline. Decoding on threads reports in
 * steps of 16, so it shows each hundred passed rather than only exact multiples of 100.
 *
 * @example
 * ```ts
 * const onProgress = decodeProgress((text) => process.stderr.write(text));
 * onProgress(112, 450); // writes '\rdecoding pictures: 112 / 450'
 * ```
 */
export function decodeProgress(write: (text: string) => void): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (total < MIN_PICTURES || (done - shown < STEP && done !== total)) return;
    shown = done;
    write(`\rdecoding pictures: ${done} / ${total}${done === total ? '\n' : ''}`);
  };
}
