// Shared or copied memory, decided here once: which buffers the trainer allocates, whether workers can
// claim chunks and meet at a barrier (and so update their own shards), and what a step's message must
// carry when they cannot view the trainer's buffers. Shared by all threads: no node:* imports.
import type { CopiedArrays, Done, MemoryMode, TaskBuffer } from './protocol.js';

/**
 * The main thread's side of the memory mode.
 *
 * @example
 * ```ts
 * const memory = memoryAdapter('shared');
 * const parameters = memory.allocate(4 * size); // a SharedArrayBuffer every worker views
 * ```
 */
export interface MemoryAdapter {
  readonly mode: MemoryMode;
  /** A zeroed buffer of `bytes` bytes that workers view (shared) or receive copies of (copy). */
  allocate(bytes: number): TaskBuffer;
  /** The counter workers claim chunks from and the barrier's words (shared); null each in memory `copy`. */
  readonly claim: SharedArrayBuffer | null;
  readonly control: SharedArrayBuffer | null;
  /** What a step's message carries besides the Step: copies of what workers cannot view (copy), or null (shared). */
  copies(arrays: CopiedArrays): CopiedArrays | null;
  /** Puts a worker's answer where shared memory would have it: its chunks' gradients into `gradients` (copy; nothing when shared). */
  collect(done: Done, firstChunk: number, stride: number, gradients: Float32Array): void;
}

/** The adapter for `mode` ('shared' needs SharedArrayBuffer). */
export function memoryAdapter(mode: MemoryMode): MemoryAdapter {
  if (mode === 'shared') {
    return {
      mode,
      allocate: (bytes) => new SharedArrayBuffer(bytes),
      claim: new SharedArrayBuffer(4),
      control: new SharedArrayBuffer(8),
      copies: () => null,
      collect: () => undefined,
    };
  }
  return {
    mode,
    allocate: (bytes) => new ArrayBuffer(bytes),
    claim: null,
    control: null,
    // Structured clone copies each array into the message.
    copies: (arrays) => arrays,
    collect: (done, firstChunk, stride, gradients) => {
      if (done.gradients === null) throw new Error('DataParallelTrainer: a worker answered without its chunk gradients (memory copy)');
      gradients.set(done.gradients, firstChunk * stride);
    },
  };
}

/** A buffer that grows (doubling), never shrinks, to what a step needs. */
export class GrowingBuffer {
  buffer: TaskBuffer;

  constructor(readonly memory: MemoryAdapter) {
    this.buffer = memory.allocate(8);
  }

  /** The buffer, at least `bytes` long; true in `grew` when it was replaced (workers need a new Setup). */
  ensure(bytes: number): { buffer: TaskBuffer; grew: boolean } {
    if (this.buffer.byteLength >= bytes) return { buffer: this.buffer, grew: false };
    this.buffer = this.memory.allocate(Math.max(bytes, 2 * this.buffer.byteLength));
    return { buffer: this.buffer, grew: true };
  }
}
