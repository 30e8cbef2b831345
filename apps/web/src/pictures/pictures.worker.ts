// The "Your pictures" worker: decodes and resizes dropped pictures (never on the page thread), holds
// the session, trains over replica workers, and answers predictions, losses, one-picture steps and
// model files through comlink. The page thread only draws.
import { mnistSplit, type MnistData } from '@backprop/datasets';
import mnistUrl from '@backprop/datasets/data/mnist-10k.bin.gz?url';
import { BrowserDataParallelTrainer, sharedMemoryUnavailable } from '@backprop/parallel/browser';
import * as Comlink from 'comlink';
import { decodeMnistAsset } from '../digits/mnist-asset';
import { DIGITS_PER_CLASS, digitPicture, threeOrNot } from './builtin-digits';
import { browserRasterize, decodePicture } from './picture-decode';
import { readPictureLimits, type PictureLimits } from './picture-limits';
import { PictureModel } from './picture-model';
import { folderClasses, type FolderFile } from './picture-folder';
import {
  PICTURE_SIZE,
  PicturesSession,
  type FitTrainerFactory,
  type PicturesEvent,
  type PicturesTrainingOptions,
} from './pictures-session';

const createTrainer: FitTrainerFactory = ({ spec, workers, learningRate, seed, chunkSize }) =>
  new BrowserDataParallelTrainer({
    model: spec,
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: learningRate },
    seed,
    chunkSize,
    workers,
    createWorker: () =>
      new Worker(new URL('../digits/replica.worker.ts', import.meta.url), { type: 'module', name: 'backprop-replica' }),
  });

/** What the page learns once the worker is up. */
export interface PicturesSetup {
  cores: number;
  sharedMemory: boolean;
  limits: PictureLimits;
  /** Invalid limit overrides in the address, each named. */
  problems: string[];
}

/** The outcome of adding files: how many went in, and one message per file that did not. */
export interface AddResult {
  added: number;
  errors: string[];
}

type Progress = (done: number, total: number) => void;
/** The picture being tried, at any size the current model wants. */
type TrySource = (size: number, color: 'rgb' | 'grey') => Promise<Float32Array>;

let limits: PictureLimits;
let session: PicturesSession;
let digits: Promise<{ train: MnistData; test: MnistData }> | null = null;
let trying: TrySource | null = null;
let nextDigit = 0;

function model(): PictureModel {
  if (session.model === null) throw new Error('Train a model (or load one) first');
  return session.model;
}

/** The picture being tried, as `current` takes it (its size, grey or RGB). */
function tried(current: PictureModel): Promise<Float32Array> {
  if (trying === null) throw new Error('Drop a picture to try first');
  const [channels, size] = current.info.sampleShape;
  return trying(size, channels === 1 ? 'grey' : 'rgb');
}

function loadDigits(): Promise<{ train: MnistData; test: MnistData }> {
  digits ??= (async () => {
    const response = await fetch(mnistUrl);
    if (!response.ok) throw new Error(`could not fetch the embedded digits (${mnistUrl}): HTTP ${response.status}`);
    return mnistSplit(await decodeMnistAsset(new Uint8Array(await response.arrayBuffer())));
  })();
  return digits;
}

/** Decodes `files` into class `index` one by one, each failure a message naming the file. */
async function decodeInto(
  index: number,
  files: Array<{ file: Blob; name: string }>,
  onProgress: Progress,
): Promise<AddResult> {
  const room = limits.maxPictures - session.pictureCount;
  const errors: string[] = [];
  if (files.length > room) {
    errors.push(
      `${files.length - Math.max(room, 0)} of ${files.length} files were left out: the page holds at most ${limits.maxPictures.toLocaleString('en-US')} pictures (maxPictures); raise it with ?maxPictures= in the address`,
    );
  }
  const taken = files.slice(0, Math.max(room, 0));
  let added = 0;
  for (const [done, { file, name }] of taken.entries()) {
    try {
      session.add(
        index,
        await decodePicture(
          file,
          name,
          { size: PICTURE_SIZE, color: 'rgb', maxPixels: limits.maxPixels, maxFileBytes: limits.maxFileBytes },
          browserRasterize,
        ),
      );
      added++;
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
    onProgress(done + 1, taken.length);
  }
  return { added, errors };
}

const api = {
  init(search: string): PicturesSetup {
    const read = readPictureLimits(search);
    limits = read.limits;
    session = new PicturesSession({ createTrainer, maxPictures: limits.maxPictures });
    return {
      cores: navigator.hardwareConcurrency,
      sharedMemory: sharedMemoryUnavailable() === null,
      limits,
      problems: read.problems,
    };
  },
  classes() {
    return session.classes;
  },
  rename(index: number, name: string): string {
    return session.rename(index, name);
  },
  clear(index: number): void {
    session.clear(index);
  },
  thumbnails(index: number, limit: number): Float32Array[] {
    return session.samples(index, limit);
  },
  addFiles(index: number, files: File[], onProgress: Progress): Promise<AddResult> {
    return decodeInto(
      index,
      files.map((file) => ({ file, name: file.name })),
      onProgress,
    );
  },
  /** A picked folder: one class per subfolder (sorted as torchvision sorts them), its pictures decoded. */
  async addFolder(files: FolderFile[], onProgress: Progress): Promise<AddResult> {
    const { classes, byClass, errors } = folderClasses(files, limits.maxClasses);
    session.reset(classes, { flips: true, data: 'a folder picked on the page' });
    const result: AddResult = { added: 0, errors };
    const total = byClass.reduce((sum, list) => sum + list.length, 0);
    let before = 0;
    for (const [index, list] of byClass.entries()) {
      const part = await decodeInto(index, list, (done) => onProgress(before + done, total));
      before += list.length;
      result.added += part.added;
      result.errors.push(...part.errors);
    }
    return result;
  },
  /** Fills the two zones with embedded digits: "3" and "not 3". */
  async useDigits(): Promise<AddResult> {
    const { threes, others } = threeOrNot((await loadDigits()).train, {
      size: PICTURE_SIZE,
      perClass: DIGITS_PER_CLASS,
    });
    session.reset(['3', 'not 3'], { flips: false, data: 'embedded MNIST digits: 3 or not 3' });
    threes.forEach((sample) => session.add(0, sample));
    others.forEach((sample) => session.add(1, sample));
    return { added: threes.length + others.length, errors: [] };
  },
  train(options: PicturesTrainingOptions, onEvent: (event: PicturesEvent) => void) {
    return session.train(options, (event) => void onEvent(event));
  },
  stop(): void {
    session.stop();
  },
  /** Sets the picture to try: a dropped file (decoded now, refused with a message naming it if bad). */
  async tryFile(file: File) {
    const source: TrySource = (size, color) =>
      decodePicture(
        file,
        file.name,
        { size, color, maxPixels: limits.maxPixels, maxFileBytes: limits.maxFileBytes },
        browserRasterize,
      );
    await source(PICTURE_SIZE, 'rgb');
    trying = source;
    return api.predict();
  },
  /** Sets the picture to try to the next unseen digit of the test split. */
  async tryDigit() {
    const test = (await loadDigits()).test;
    const index = nextDigit++ % test.count;
    trying = (size, color) => Promise.resolve(digitPicture(test, index, { size, color }));
    return { ...(await api.predict()), digit: test.labels[index]! };
  },
  /** The current model's answer on the picture being tried, and what the network sees. */
  async predict(): Promise<{
    sample: Float32Array;
    channels: number;
    probabilities: Float32Array | null;
    classNames: string[] | null;
  }> {
    if (trying === null) throw new Error('Drop a picture to try first');
    const current = session.model;
    const [channels, size] = current === null ? [3, PICTURE_SIZE] : current.info.sampleShape;
    const sample = await trying(size, channels === 1 ? 'grey' : 'rgb');
    return {
      sample,
      channels,
      probabilities: current?.predict(sample) ?? null,
      classNames: current?.info.classNames ?? null,
    };
  },
  async lossFor(label: number) {
    const current = model();
    return current.lossFor(await tried(current), label);
  },
  async learn(label: number, learningRate: number) {
    const current = model();
    const sample = await tried(current);
    return { ...current.learnFrom(sample, label, learningRate), probabilities: current.predict(sample) };
  },
  saveModel(): Uint8Array {
    return model().encode();
  },
  loadModel(bytes: Uint8Array, name: string) {
    if (session.training) throw new Error('Stop training before loading a model');
    session.model = PictureModel.fromFile(bytes, name);
    return {
      classNames: session.model.info.classNames,
      sampleShape: session.model.info.sampleShape,
      steps: session.model.steps,
    };
  },
};

export type PicturesWorkerApi = typeof api;
Comlink.expose(api);
