// A folder picked on the page (`<input webkitdirectory>`: files with paths `root/cat/x.jpg`) → one
// class per subfolder, in torchvision's order, as `backprop train --data FOLDER` reads it. No DOM.

/** One picked file and its path relative to the picked folder's parent (`webkitRelativePath`). */
export interface FolderFile {
  path: string;
  file: Blob;
}

/**
 * The classes of a picked folder (its subfolders, sorted by code point as Python's `sorted()` and
 * torchvision's `find_classes` sort them) and each class's files (in subfolders too, as torchvision
 * walks them). Hidden names (`.DS_Store`) are ignored; a file at the top level is reported by name.
 * Throws when the folder has fewer than two classes or more than `maxClasses`.
 *
 * @example
 * ```ts
 * folderClasses([{ path: 'pictures/not cat/1.png', file }, { path: 'pictures/cat/0.jpg', file }], 20).classes; // ['cat', 'not cat']
 * ```
 */
export function folderClasses(
  files: FolderFile[],
  maxClasses: number,
): { classes: string[]; byClass: Array<Array<{ file: Blob; name: string }>>; errors: string[] } {
  const groups = new Map<string, Array<{ file: Blob; name: string }>>();
  const errors: string[] = [];
  for (const { path, file } of files) {
    const parts = path.split('/');
    if (parts.some((part) => part.startsWith('.'))) continue;
    if (parts.length < 3) {
      errors.push(
        `${path.slice(0, 200)}: a file at the top level of the folder, which holds one subfolder per class; move it into a class folder`,
      );
      continue;
    }
    const list = groups.get(parts[1]!) ?? [];
    list.push({ file, name: path });
    groups.set(parts[1]!, list);
  }
  // NOTE(class-order): UTF-16 order equals code-point order except for characters above U+FFFF
  // against U+E000–U+FFFF; code points are compared here so indices match a PyTorch user's.
  const classes = [...groups.keys()].sort(compareCodePoints);
  const root = files[0]?.path.split('/')[0]?.slice(0, 80) ?? 'the folder';
  if (classes.length < 2) {
    throw new Error(
      `${root} has ${classes.length === 0 ? 'no class folder' : `one class folder (${classes[0]!.slice(0, 80)})`}; a classifier needs at least two: one subfolder per class, e.g. cat/ and not cat/`,
    );
  }
  if (classes.length > maxClasses) {
    throw new Error(
      `${root} has ${classes.length} class folders, over the limit of ${maxClasses} (maxClasses); raise it with ?maxClasses= in the address`,
    );
  }
  for (const list of groups.values()) list.sort((a, b) => compareCodePoints(a.name, b.name));
  return { classes, byClass: classes.map((name) => groups.get(name)!), errors };
}

function compareCodePoints(a: string, b: string): number {
  const [x, y] = [Array.from(a, (c) => c.codePointAt(0)!), Array.from(b, (c) => c.codePointAt(0)!)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
