// Frames per second of the page thread, from requestAnimationFrame timestamps: the measure that
// the page stays responsive while workers train. The counting is pure; `watchFrames` adds the loop.

/**
 * Counts frames over a sliding window of `windowMs` milliseconds.
 *
 * @example
 * ```ts
 * const meter = new FpsMeter();
 * meter.frame(0); meter.frame(16.7); meter.frame(33.3);
 * meter.fps; // ≈ 60
 * ```
 */
export class FpsMeter {
  readonly #times: number[] = [];

  constructor(readonly windowMs = 1000) {}

  /** Records a frame drawn at `time` (ms, increasing). */
  frame(time: number): void {
    this.#times.push(time);
    while (this.#times.length > 2 && time - this.#times[0]! > this.windowMs) this.#times.shift();
  }

  /** Frames per second over the window; 0 before two frames. */
  get fps(): number {
    const n = this.#times.length;
    if (n < 2) return 0;
    return ((n - 1) * 1000) / (this.#times[n - 1]! - this.#times[0]!);
  }
}

/**
 * Runs `onFrame(fps, time)` on every animation frame until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = watchFrames((fps) => (label.textContent = fps.toFixed(0)));
 * ```
 */
export function watchFrames(onFrame: (fps: number, time: number) => void): () => void {
  const meter = new FpsMeter();
  let handle = 0;
  const loop = (time: number) => {
    meter.frame(time);
    onFrame(meter.fps, time);
    handle = requestAnimationFrame(loop);
  };
  handle = requestAnimationFrame(loop);
  return () => cancelAnimationFrame(handle);
}
