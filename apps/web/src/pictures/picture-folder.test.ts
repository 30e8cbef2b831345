import { describe, expect, it } from 'vitest';
import { folderClasses } from './picture-folder';

const file = new Blob(['x']);
const at = (...paths: string[]) => paths.map((path) => ({ path, file }));

describe('folderClasses', () => {
  it('one class per subfolder in code-point order (B before a), files sorted, nested files kept, hidden ones ignored', () => {
    const result = folderClasses(
      at(
        'pics/not cat/b.png',
        'pics/cat/z.jpg',
        'pics/cat/a.png',
        'pics/Bird/deep/x.png',
        'pics/cat/.DS_Store',
        'pics/.git/HEAD',
      ),
      20,
    );
    expect(result.classes).toEqual(['Bird', 'cat', 'not cat']);
    expect(result.byClass.map((list) => list.map((entry) => entry.name))).toEqual([
      ['pics/Bird/deep/x.png'],
      ['pics/cat/a.png', 'pics/cat/z.jpg'],
      ['pics/not cat/b.png'],
    ]);
    expect(result.errors).toEqual([]);
  });

  it('names a file at the top level, and refuses one class or too many', () => {
    expect(folderClasses(at('pics/readme.txt', 'pics/a/1.png', 'pics/b/1.png'), 20).errors).toEqual([
      'pics/readme.txt: a file at the top level of the folder, which holds one subfolder per class; move it into a class folder',
    ]);
    expect(() => folderClasses(at('pics/cat/1.png'), 20)).toThrow(
      'pics has one class folder (cat); a classifier needs at least two: one subfolder per class, e.g. cat/ and not cat/',
    );
    expect(() => folderClasses(at('pics/a/1.png', 'pics/b/1.png', 'pics/c/1.png'), 2)).toThrow(
      'pics has 3 class folders, over the limit of 2 (maxClasses); raise it with ?maxClasses= in the address',
    );
  });
});
