// Listing an image folder as torchvision's ImageFolder does: class = subfolder, classes and files
// in Python's sorted() order (code points). Node-only (node:fs). Decodes nothing.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { ImageError } from './image-error.js';
import { IMAGE_LIMITS } from './limits.js';

/** Extensions decoded (lower case): the part of torchvision's IMG_EXTENSIONS that is PNG or JPEG. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];
/** The rest of torchvision's IMG_EXTENSIONS: images, but in formats not decoded here. */
const OTHER_IMAGE_EXTENSIONS = ['.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

/** One image to load: its path relative to the root folder, and its class index. */
export interface FolderEntry {
  readonly file: string;
  readonly label: number;
}

/** The folder's classes (sorted), its images in load order, and files refused before decoding. */
export interface FolderListing {
  readonly classes: string[];
  readonly entries: FolderEntry[];
  /** Files that are not PNG/JPEG by name, or sit at the top level: errors unless `skipBad`. */
  readonly refused: ImageError[];
}

/**
 * Python's `sorted()` order for strings: by Unicode code point (JavaScript's default sort compares
 * UTF-16 code units, which differs above U+FFFF).
 *
 * @example
 * ```ts
 * ['b', 'B', 'a'].sort(compareCodePoints); // ['B', 'a', 'b'], as sorted(['b', 'B', 'a']) in Python
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return [...a].length - [...b].length;
}

/** Whether a directory entry is a folder, following symbolic links (as os.scandir's is_dir()). */
function isFolder(root: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(root, entry.name)).isDirectory();
  } catch {
    return false; // a dangling link is a file, refused later as not an image
  }
}

function readFolder(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((entry) => !entry.name.startsWith('.'));
  } catch (error) {
    throw new ImageError(
      path,
      `cannot be listed (${(error as { code?: string }).code ?? 'error'})`,
      'give a readable folder with one subfolder per class',
      { cause: error },
    );
  }
}

/**
 * Lists `root`: one subfolder per class (names starting with "." are ignored), images found in
 * each class folder and its subfolders (as torchvision's `os.walk`: folders in sorted path order,
 * files sorted within each). Throws an {@link ImageError} when `root` is not a folder, has fewer
 * than two classes, or a class has no image; returns the files it refuses for `skipBad` to decide.
 *
 * @example
 * ```ts
 * listImageFolder('pictures'); // { classes: ['cat', 'not-cat'], entries: [{ file: 'cat/1.jpg', label: 0 }, ...], refused: [] }
 * ```
 */
export function listImageFolder(root: string): FolderListing {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (error) {
    throw new ImageError(
      root,
      'no such folder',
      'give a folder with one subfolder per class (e.g. pictures/cat, pictures/not-cat)',
      { cause: error },
    );
  }
  if (!isDirectory)
    throw new ImageError(
      root,
      'not a folder',
      'give a folder with one subfolder per class (e.g. pictures/cat, pictures/not-cat)',
    );
  const top = readFolder(root);
  const refused: ImageError[] = [];
  for (const entry of top) {
    if (!isFolder(root, entry)) {
      refused.push(
        new ImageError(
          join(root, entry.name),
          'a file at the top level of an image folder, which holds one subfolder per class',
          'move it into its class folder, or pass skipBad to skip it',
        ),
      );
    }
  }
  const classes = top
    .filter((entry) => isFolder(root, entry))
    .map((entry) => entry.name)
    .sort(compareCodePoints);
  if (classes.length < 2) {
    throw new ImageError(
      root,
      `has ${classes.length === 0 ? 'no class folders' : `one class folder (${classes[0]})`}; a classifier needs at least two`,
      'add one subfolder per class (e.g. pictures/cat and pictures/not-cat)',
    );
  }
  const entries: FolderEntry[] = [];
  classes.forEach((name, label) => {
    const found = walkClass(root, name, refused);
    if (found.length === 0) {
      throw new ImageError(
        join(root, name),
        'class folder has no PNG or JPEG image',
        'add images to it or remove the folder',
      );
    }
    for (const file of found) entries.push({ file, label });
  });
  return { classes, entries, refused };
}

/** The image files under class folder `name` (relative to `root`), in torchvision's order. */
function walkClass(root: string, name: string, refused: ImageError[]): string[] {
  const folders: Array<{ path: string; files: string[] }> = [];
  const pending = [{ path: name, depth: 0 }];
  let visited = 0;
  while (pending.length > 0) {
    const { path, depth } = pending.pop()!;
    if (++visited > IMAGE_LIMITS.maxFolders) {
      throw new ImageError(
        join(root, name),
        `holds more than ${IMAGE_LIMITS.maxFolders} folders (symbolic links that fan out?)`,
        'flatten the class folder',
      );
    }
    const files: string[] = [];
    for (const entry of readFolder(join(root, path))) {
      const relative = join(path, entry.name);
      if (isFolder(join(root, path), entry)) {
        if (depth + 1 > IMAGE_LIMITS.maxFolderDepth) {
          throw new ImageError(
            join(root, relative),
            `nested more than ${IMAGE_LIMITS.maxFolderDepth} folders deep in a class folder (a link loop?)`,
            'flatten the class folder',
          );
        }
        pending.push({ path: relative, depth: depth + 1 });
        continue;
      }
      const extension = extname(entry.name).toLowerCase();
      if (IMAGE_EXTENSIONS.includes(extension)) files.push(entry.name);
      else if (OTHER_IMAGE_EXTENSIONS.includes(extension)) {
        refused.push(
          new ImageError(
            join(root, relative),
            `${extension} images are not decoded here (PNG and JPEG are)`,
            'convert it to PNG or JPEG, or pass skipBad to skip it',
          ),
        );
      } else
        refused.push(
          new ImageError(
            join(root, relative),
            'not an image file by its name (PNG or JPEG expected)',
            'move it out of the image folder, or pass skipBad to skip it',
          ),
        );
    }
    folders.push({ path, files: files.sort(compareCodePoints) });
  }
  folders.sort((a, b) => compareCodePoints(a.path, b.path));
  return folders.flatMap(({ path, files }) => files.map((file) => join(path, file)));
}
