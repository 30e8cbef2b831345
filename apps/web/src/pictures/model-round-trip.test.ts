// Model files between the page and the CLI, both ways, in Node: a model written by the page's code
// (PictureModel.encode) answers `backprop predict` (the built CLI) with the page's probabilities,
// and a model trained by `backprop train --data FOLDER` loads in the page's code and agrees with it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, Generator, photoCnnSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { cliPredict, runCli } from '../../e2e/backprop-cli';
import { fixturePicture, nodeRasterize, writeFixtureFolder } from '../../e2e/picture-fixtures';
import { decodePicture } from './picture-decode';
import { PictureModel } from './picture-model';

const scratch = mkdtempSync(join(tmpdir(), 'backprop-round-trip-'));

/** A square PNG (the CLI's predict pads, the page crops: on a square picture both see the same pixels). */
async function squarePicture(kind: 'disc' | 'bar', size: number): Promise<{ path: string; sample: Float32Array }> {
  const file = fixturePicture(kind, 2, 5); // 40×40
  const path = join(scratch, `${kind}-${size}.png`);
  writeFileSync(path, file.bytes);
  return {
    path,
    sample: await decodePicture(
      new Blob([file.bytes as Uint8Array<ArrayBuffer>]),
      file.name,
      { size, color: 'rgb', maxPixels: 1e6, maxFileBytes: 1e6 },
      nodeRasterize,
    ),
  };
}

describe('model files between the page and the CLI', () => {
  it('the page writes, `backprop predict` reads: same class names, same probabilities', async () => {
    const spec = photoCnnSpec([3, 32, 32], [16, 32], 2);
    const weights = buildModel(spec, { generator: new Generator(11) }).stateDict();
    const model = new PictureModel(
      { spec, classNames: ['<b>cat</b>', 'not cat'], sampleShape: [3, 32, 32], data: 'pictures dropped on the page' },
      weights,
    );
    const picture = await squarePicture('disc', 32);
    model.learnFrom(picture.sample, 1, 0.05); // weights that differ from any seed
    const run = join(scratch, 'page-run');
    mkdirSync(run);
    writeFileSync(join(run, 'model.safetensors'), model.encode());
    const fromCli = cliPredict({ cwd: scratch, run, picture: picture.path });
    expect(fromCli.names).toEqual(['<b>cat</b>', 'not cat']);
    const fromPage = model.predict(picture.sample);
    fromCli.probabilities.forEach((p, i) => expect(p).toBeCloseTo(fromPage[i]!, 6));
  }, 60_000);

  it('`backprop train --data FOLDER` writes, the page reads: same classes, same probabilities', async () => {
    const folder = writeFixtureFolder(join(scratch, 'pictures'), { perClass: 5, seed: 6, pngOnly: true });
    runCli(
      [
        'train',
        '--data',
        folder,
        '--image-size',
        '24',
        '--epochs',
        '1',
        '--workers',
        '1',
        '--out',
        join(scratch, 'cli-run'),
        '--quiet',
      ],
      scratch,
    );
    const model = PictureModel.fromFile(
      readFileSync(join(scratch, 'cli-run', 'model.safetensors')),
      'model.safetensors',
    );
    expect(model.info.classNames).toEqual(['blue', 'orange']);
    expect(model.info.sampleShape).toEqual([3, 24, 24]);
    const picture = await squarePicture('bar', 24);
    const fromCli = cliPredict({ cwd: scratch, run: join(scratch, 'cli-run'), picture: picture.path });
    const fromPage = model.predict(picture.sample);
    fromCli.probabilities.forEach((p, i) => expect(p).toBeCloseTo(fromPage[i]!, 6));
  }, 120_000);
});
