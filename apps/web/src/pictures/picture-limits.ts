// The page's limits on what dropped pictures may make it allocate, and their URL overrides
// (`?maxPictures=5000`): documented in the README ("Your pictures"). No DOM.

/** Defaults of the page's picture limits; each can be raised in the address (see {@link readPictureLimits}). */
export const PICTURE_LIMITS = {
  /** Pictures held at once, over every class (each is 3 × size² floats once decoded). */
  maxPictures: 2_000,
  /** Pixels (width × height) a picture's header may declare; refused before the browser decodes it (a 6000×4000 photo fits). */
  maxPixels: 24_000_000,
  /** Bytes of one picture file, checked before it is read. */
  maxFileBytes: 32 * 1024 * 1024,
  /** Classes (subfolders of a picked folder). */
  maxClasses: 20,
} as const;

export type PictureLimits = { -readonly [K in keyof typeof PICTURE_LIMITS]: number };

/** The URL parameter of each limit; `maxFileMiB` is in MiB. */
const PARAMETERS: Record<keyof PictureLimits, { key: string; scale: number; max: number }> = {
  maxPictures: { key: 'maxPictures', scale: 1, max: 100_000 },
  maxPixels: { key: 'maxPixels', scale: 1, max: 268_435_456 },
  maxFileBytes: { key: 'maxFileMiB', scale: 1024 * 1024, max: 1024 },
  maxClasses: { key: 'maxClasses', scale: 1, max: 1000 },
};

/**
 * The limits, with any override from the address (`?maxPictures=5000&maxPixels=50000000&maxFileMiB=64&maxClasses=100`);
 * an invalid value keeps the default and is named in `problems`.
 *
 * @example
 * ```ts
 * readPictureLimits('?maxPictures=5000').limits.maxPictures; // 5000
 * ```
 */
export function readPictureLimits(search: string): { limits: PictureLimits; problems: string[] } {
  const query = new URLSearchParams(search);
  const limits: PictureLimits = { ...PICTURE_LIMITS };
  const problems: string[] = [];
  for (const [name, { key, scale, max }] of Object.entries(PARAMETERS) as Array<
    [keyof PictureLimits, (typeof PARAMETERS)[keyof PictureLimits]]
  >) {
    const text = query.get(key);
    if (text === null) continue;
    const value = Number(text);
    if (/^\d+$/.test(text) && value >= 1 && value <= max) limits[name] = value * scale;
    else
      problems.push(
        `${key}=${text.slice(0, 40)} is not an integer from 1 to ${max}; using ${PICTURE_LIMITS[name] / scale}`,
      );
  }
  return { limits, problems };
}

/** Longest class name kept (characters): names are shown and saved with the model. */
export const MAX_CLASS_NAME = 80;

/**
 * A class name as the page keeps it: control characters removed, spaces trimmed, at most
 * {@link MAX_CLASS_NAME} characters, `fallback` when nothing is left — so a saved model's names
 * pass the model file's checks.
 *
 * @example
 * ```ts
 * cleanClassName('  cat\u0007 ', 'class 1'); // 'cat'
 * ```
 */
export function cleanClassName(name: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
    .slice(0, MAX_CLASS_NAME)
    .trim();
  return clean === '' ? fallback : clean;
}
