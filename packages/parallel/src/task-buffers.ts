// The big arrays a trainer shares with its workers: SharedArrayBuffers (memory `shared`) or plain
// ArrayBuffers copied into messages (`copy`), allocated once and grown, never shrunk. Shared by all
// threads: must not import node:* modules.
import type { MemoryMode, TaskBuffer } from './transport.js';

/** A SharedArrayBuffer (memory `shared`) or an ArrayBuffer (`copy`) of `bytes` bytes, zeroed. */
export function allocate(memory: MemoryMode, bytes: number): TaskBuffer {
  return memory === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A buffer that grows (doubling), never shrinks, to what a step needs. */
export class GrowingBuffer {
  buffer: TaskBuffer;

  constructor(readonly memory: MemoryMode) {
    this.buffer = allocate(memory, 8);
  }

  ensure(bytes: number): TaskBuffer {
    if (this.buffer.byteLength < bytes) this.buffer = allocate(this.memory, Math.max(bytes, 2 * this.buffer.byteLength));
    return this.buffer;
  }
}
