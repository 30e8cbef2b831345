// The documented limits of image reading (README "Limits"), each with the option that raises it.
// Imports nothing; browser-safe.

/** Defaults of the options that bound what an image file may make us allocate. */
export const IMAGE_LIMITS = {
  /** Most pixels (width × height) an image may declare; checked in the header before decoding. */
  maxPixels: 50_000_000,
  /** Largest image file read, in bytes. */
  maxFileBytes: 64 * 1024 * 1024,
  /** Deepest nesting of folders inside a class folder that an image folder walk follows. */
  maxFolderDepth: 16,
  /** Most folders one class folder's walk visits (symbolic links can fan out exponentially within the depth). */
  maxFolders: 10_000,
} as const;

/** Options shared by every image reader: the limits, each defaulting to {@link IMAGE_LIMITS}. */
export interface ImageLimits {
  /** Most pixels (width × height); default 50,000,000. Raise it for trusted large images. */
  readonly maxPixels?: number;
  /** Largest file in bytes; default 64 MiB. */
  readonly maxFileBytes?: number;
}

/** `value` if it is a positive safe integer, else a TypeError naming `name`. */
export function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`${name} must be a positive integer, got ${String(value).slice(0, 40)}`);
  return value;
}
