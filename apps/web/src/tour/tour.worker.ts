// The tour's worker: loads the embedded digits, trains the small "is it a 3?" network once, and
// answers the tour's widgets through comlink. The page thread only draws.
import { mnistSplit } from '@backprop/datasets';
import mnistUrl from '@backprop/datasets/data/mnist-10k.bin.gz?url';
import * as Comlink from 'comlink';
import { mnistTensors } from '../digits/digits-session';
import { decodeMnistAsset } from '../digits/mnist-asset';
import { lineThrough, TourSession } from './tour-session';

/** Training digits the tour's network learns from (of the fixed 8,000). */
const TRAINING_DIGITS = 4000;
let session: TourSession | null = null;

function current(): TourSession {
  if (session === null) throw new Error('tour worker: load() first');
  return session;
}

const api = {
  /** Fetches the digits and trains the network; returns how many digits the tour can show. */
  async load(): Promise<number> {
    const data = await decodeMnistAsset(new Uint8Array(await (await fetch(mnistUrl)).arrayBuffer()));
    const { images, labels } = mnistTensors(mnistSplit(data).train, TRAINING_DIGITS);
    session = await TourSession.create({ images: images.data, digits: labels.data });
    return session.count;
  },
  line: (a: number, b: number, xs: Float32Array) => lineThrough(a, b, xs),
  forwardDigit: (index: number) => current().forwardDigit(index),
  findUnsure: (from: number, wantThree: boolean) => current().findUnsure(from, wantThree),
  forwardDrawn: (pixels: Float32Array, label: 0 | 1) => current().forwardDrawn(pixels, label),
  descend: (target: number | { pixels: Float32Array; label: 0 | 1 }, learningRate: number) =>
    current().descend(target, learningRate),
  compareGradients: (a: number, b: number) => current().compareGradients(a, b),
};

export type TourWorkerApi = typeof api;
Comlink.expose(api);
