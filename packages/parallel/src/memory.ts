// Shared or copied memory, decided here once: which buffers the trainer allocates, whether workers can
// claim chunks and meet at a barrier (and so update their own shards), and what a step's message must
// carry when they cannot view the trainer's buffers. Shared by all threads: no node:* imports.
import type { CopiedArrays, Done, MemoryMode, Setup, TaskBuffer, WorkerTask } from './protocol.js';

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

/** The adapter for `mode`; throws for another value, or for 'shared' where there is no SharedArrayBuffer. */
export function memoryAdapter(mode: MemoryMode): MemoryAdapter {
  if (mode !== 'shared' && mode !== 'copy')
    throw new Error(`DataParallelTrainer: memory must be 'shared' or 'copy', got ${JSON.stringify(mode)}`);
  if (mode === 'shared' && typeof SharedArrayBuffer === 'undefined') {
    throw new Error(
      "DataParallelTrainer: memory 'shared' needs SharedArrayBuffer; serve the page cross-origin isolated (COOP same-origin, COEP require-corp) or use memory 'copy'",
    );
  }
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
      if (done.gradients === null)
        throw new Error('DataParallelTrainer: a worker answered without its chunk gradients (memory copy)');
      gradients.set(done.gradients, firstChunk * stride);
    },
  };
}

/** The arrays a worker's task reads and writes. */
export interface TaskArrays {
  inputs: Float32Array;
  targets: Float32Array;
  /** The running statistics the task starts from (and the first shard writes back). */
  buffers: Float32Array;
  /** Chunk gradient slots: every chunk's (shared, chunk c at c × stride) or this task's own (copy, from `firstChunk`). */
  gradients: Float32Array;
  /** Where chunk `firstChunk`'s slot starts in `gradients`: 0 when shared, `firstChunk` when the task has its own. */
  firstSlot: number;
  /** What `Done.gradients` returns: the task's own gradient buffer (copy), or null (shared). */
  returned: Float32Array | null;
}

/** Worker side: the flat values a replica's parameters view — the Setup's shared buffer, or (copy) a buffer of its own. */
export function replicaValues(setup: Setup): Float32Array {
  return setup.memory === 'shared'
    ? new Float32Array(setup.parameters)
    : new Float32Array(setup.parameters.byteLength / 4);
}

/**
 * Worker side: views of the Setup's shared buffers, or (copy) the message's copies — the replica's
 * `values` are refreshed from them — and a gradient buffer for this task's chunks, sent back in `Done`.
 */
export function taskArrays(task: WorkerTask, setup: Setup, values: Float32Array, stride: number): TaskArrays {
  const { copied } = task;
  if (copied === null) {
    const view = (buffer: TaskBuffer) => new Float32Array(buffer);
    return {
      inputs: view(setup.inputs),
      targets: view(setup.targets),
      buffers: view(setup.buffers),
      gradients: view(setup.gradients),
      firstSlot: 0,
      returned: null,
    };
  }
  values.set(copied.parameters);
  const chunks = task.kind === 'train' ? task.endChunk - task.firstChunk : 0;
  const gradients = new Float32Array(chunks * stride);
  return {
    inputs: copied.inputs,
    targets: copied.targets,
    buffers: copied.buffers,
    gradients,
    firstSlot: task.firstChunk,
    returned: gradients,
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
