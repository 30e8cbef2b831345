// The one error type of image reading: one line naming the file, the problem and the fix.
// Imports nothing; browser-safe.

/** Longest piece of a file name or file content quoted in a message (names can be long, contents hostile). */
const MAX_QUOTED = 200;

/**
 * An image that cannot be read: `message` is one line `file: problem; fix`; `problem` is what
 * `skipBad` lists, `fix` what a caller may restate in its own terms (a CLI flag for an option).
 *
 * @example
 * ```ts
 * throw new ImageError('cat/1.png', 'PNG width is 0 (IHDR)', 'the file is damaged; re-export it');
 * ```
 */
export class ImageError extends Error {
  readonly file: string;
  readonly problem: string;
  readonly fix: string;

  constructor(file: string, problem: string, fix: string, options?: { cause?: unknown }) {
    const line = `${quote(file)}: ${oneLine(problem)}; ${oneLine(fix)}`;
    super(line, options);
    this.name = 'ImageError';
    this.file = file;
    this.problem = oneLine(problem);
    this.fix = oneLine(fix);
  }
}

/** `text` on one line, cut to {@link MAX_QUOTED} characters: safe to put in a message. */
export function quote(text: string): string {
  const flat = oneLine(text);
  return flat.length > MAX_QUOTED ? `${flat.slice(0, MAX_QUOTED)}…` : flat;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** The default fix for a damaged file. */
export const DAMAGED = 're-save or re-export the image (it is damaged)';
