// The Digits page's worker: loads the embedded MNIST digits, runs training — over a pool of replica
// workers (sharing the weights when the page is cross-origin isolated, copying them otherwise) or,
// with 0 workers, alone with plain core — and answers predictions and model loads through comlink.
// The page thread only draws.
import { mnistSplit } from '@backprop/datasets';
import mnistUrl from '@backprop/datasets/data/mnist-10k.bin.gz?url';
import { BrowserDataParallelTrainer, sharedMemoryUnavailable } from '@backprop/parallel/browser';
import * as Comlink from 'comlink';
import { decodeMnistAsset } from './mnist-asset';
import {
  digitsTrainerOptions,
  DigitsSession,
  singleThreadTrainer,
  type DigitsEvent,
  type DigitsTrainingOptions,
  type TrainerFactory,
} from './digits-session';

/** What the page needs to know once the digits are in. */
export interface DigitsSetup {
  train: number;
  test: number;
  /** Whether the replica workers share the weights (cross-origin isolated page) or get copies. */
  sharedMemory: boolean;
  /** Why the workers copy instead of sharing, or null. */
  note: string | null;
  cores: number;
}

/** 0 workers: plain core in this worker; otherwise the data-parallel trainer (memory chosen by the page's isolation). */
const createTrainer: TrainerFactory = (request) =>
  request.workers === 0
    ? singleThreadTrainer(request)
    : new BrowserDataParallelTrainer({
        ...digitsTrainerOptions(request),
        workers: request.workers,
        createWorker: () =>
          new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module', name: 'backprop-replica' }),
      });

let session: DigitsSession | null = null;

function current(): DigitsSession {
  if (session === null) throw new Error('digits worker: load() first');
  return session;
}

const api = {
  /** Fetches and decodes the embedded digits (a 1.6 MB gzip'd binary) and splits them 8,000 / 2,000. */
  async load(): Promise<DigitsSetup> {
    const response = await fetch(mnistUrl);
    if (!response.ok) throw new Error(`could not fetch the MNIST digits (${mnistUrl}): HTTP ${response.status}`);
    const split = mnistSplit(await decodeMnistAsset(new Uint8Array(await response.arrayBuffer())));
    session = new DigitsSession(split, createTrainer);
    const reason = sharedMemoryUnavailable();
    return {
      train: split.train.count,
      test: split.test.count,
      sharedMemory: reason === null,
      note:
        reason === null
          ? null
          : `${reason}. The workers get a copy of the weights and the minibatch with every step instead of sharing them: slower, the same results.`,
      cores: navigator.hardwareConcurrency,
    };
  },
  train(
    options: DigitsTrainingOptions,
    onEvent: (event: DigitsEvent) => void,
  ): Promise<{ stopped: boolean; steps: number }> {
    // Events are not awaited: training never waits for the page to draw.
    return current().train(options, (event) => void onEvent(event));
  },
  stop(): void {
    current().stop();
  },
  predict(pixels: Float32Array): Float32Array | null {
    return current().predict(pixels);
  },
  loadModel(bytes: Uint8Array, name: string) {
    return current().loadModel(bytes, name);
  },
};

export type DigitsWorkerApi = typeof api;
Comlink.expose(api);
