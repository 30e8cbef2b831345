// Fixed chunks of a minibatch: the unit of work and of gradient reduction. Chunks depend on the
// batch size and chunkSize only — never on the number of workers — which makes results W-independent.
// Shared by the main thread and the workers: must not import node:* modules.

/** A contiguous run of chunks handed to one worker in one message. */
export interface ChunkRange {
  /** First chunk index (inclusive). */
  first: number;
  /** Last chunk index (exclusive). */
  end: number;
}

/**
 * Number of chunks of `chunkSize` samples (the last may be shorter) covering `batchSize` samples.
 * With `mergeSingleTail` (models with BatchNorm, which cannot normalise one sample) a last chunk of
 * a single sample is merged into the one before it, so the last chunk has chunkSize + 1 samples.
 */
export function chunkCount(batchSize: number, chunkSize: number, mergeSingleTail = false): number {
  const count = Math.ceil(batchSize / chunkSize);
  return mergeSingleTail && count > 1 && batchSize % chunkSize === 1 ? count - 1 : count;
}

/** Samples [start, end) of chunk `chunk` out of `count` (the last chunk runs to the batch's end). */
export function chunkBounds(
  chunk: number,
  count: number,
  batchSize: number,
  chunkSize: number,
): { start: number; end: number } {
  const start = chunk * chunkSize;
  return { start, end: chunk === count - 1 ? batchSize : Math.min(start + chunkSize, batchSize) };
}

/**
 * Splits chunks 0..count-1 into at most `workers` contiguous ranges of near-equal length (the first
 * `count mod workers` ranges get one more). Empty ranges are left out: B = 1 uses one worker.
 */
export function assignChunks(count: number, workers: number): ChunkRange[] {
  const ranges: ChunkRange[] = [];
  const base = Math.floor(count / workers);
  const extra = count % workers;
  let first = 0;
  for (let w = 0; w < workers; w++) {
    const length = base + (w < extra ? 1 : 0);
    if (length > 0) ranges.push({ first, end: first + length });
    first += length;
  }
  return ranges;
}

/**
 * The seed of chunk `chunk` at step `step` (Dropout masks): a 64-bit mix of the three, so the
 * randomness a sample sees depends on (seed, step, its chunk), never on which worker ran it.
 */
export function chunkSeed(seed: number, step: number, chunk: number): bigint {
  const mask = (1n << 64n) - 1n;
  let x = (BigInt.asUintN(64, BigInt(seed)) * 0x9e3779b97f4a7c15n + BigInt(step)) & mask;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n + BigInt(chunk)) & mask;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & mask;
  return x ^ (x >> 31n);
}
