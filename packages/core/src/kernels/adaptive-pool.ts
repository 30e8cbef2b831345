// Adaptive average pooling (NCHW, row-major, contiguous), forward and backward: PyTorch's
// overlapping windows for any output size. Imports nothing outside kernels/.

/** The planes and sizes of one adaptive sweep: `planes` = N·C images of height × width into outHeight × outWidth. */
export interface AdaptivePoolSweep {
  planes: number;
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
}

/**
 * PyTorch's adaptive window of output `index` along an axis of `size` pooled to `outSize`:
 * [⌊index·size / outSize⌋, ⌈(index + 1)·size / outSize⌉). Windows cover the axis and may overlap.
 *
 * @example
 * adaptiveWindow(1, 5, 3); // { from: 1, to: 4 }
 */
export function adaptiveWindow(index: number, size: number, outSize: number): { from: number; to: number } {
  return { from: Math.floor((index * size) / outSize), to: Math.ceil(((index + 1) * size) / outSize) };
}

function checkSweep(op: string, image: Float32Array, pooled: Float32Array, s: AdaptivePoolSweep): void {
  for (const [name, value] of Object.entries(s)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${op}: ${name} must be an integer ≥ 1, got ${value}`);
  }
  if (image.length !== s.planes * s.height * s.width || pooled.length !== s.planes * s.outHeight * s.outWidth) {
    throw new Error(
      `${op}: buffers of ${image.length} and ${pooled.length} floats do not fit ${s.planes} planes of ` +
        `${s.height}×${s.width} pooled to ${s.outHeight}×${s.outWidth}`,
    );
  }
}

/** Calls `visit` for every output of the sweep with its plane offset, its windows and their size, in output order. */
function forEachWindow(
  s: AdaptivePoolSweep,
  visit: (
    outIndex: number,
    planeOffset: number,
    h: { from: number; to: number },
    w: { from: number; to: number },
    size: number,
  ) => void,
): void {
  let outIndex = 0;
  for (let plane = 0; plane < s.planes; plane++) {
    const planeOffset = plane * s.height * s.width;
    for (let oh = 0; oh < s.outHeight; oh++) {
      const h = adaptiveWindow(oh, s.height, s.outHeight);
      for (let ow = 0; ow < s.outWidth; ow++) {
        const w = adaptiveWindow(ow, s.width, s.outWidth);
        visit(outIndex++, planeOffset, h, w, (h.to - h.from) * (w.to - w.from));
      }
    }
  }
}

/**
 * Mean of each adaptive window of every plane of `input` into `out`.
 *
 * @example
 * adaptiveAvgPool2dForward(input, { planes: N * C, height: 7, width: 7, outHeight: 1, outWidth: 1 }, out); // global average
 */
export function adaptiveAvgPool2dForward(input: Float32Array, s: AdaptivePoolSweep, out: Float32Array): void {
  checkSweep('adaptiveAvgPool2dForward', input, out, s);
  forEachWindow(s, (outIndex, planeOffset, h, w, size) => {
    let sum = 0;
    for (let ih = h.from; ih < h.to; ih++) {
      const rowOffset = planeOffset + ih * s.width;
      for (let iw = w.from; iw < w.to; iw++) sum += input[rowOffset + iw]!;
    }
    out[outIndex] = sum / size;
  });
}

/**
 * Backward of {@link adaptiveAvgPool2dForward}: each output's gradient, divided by its window's
 * size, is added to every element of the window. Accumulates; zero `gradInput` first.
 *
 * @example
 * adaptiveAvgPool2dBackward(gradOut, sweep, gradInput);
 */
export function adaptiveAvgPool2dBackward(gradOut: Float32Array, s: AdaptivePoolSweep, gradInput: Float32Array): void {
  checkSweep('adaptiveAvgPool2dBackward', gradInput, gradOut, s);
  forEachWindow(s, (outIndex, planeOffset, h, w, size) => {
    const share = gradOut[outIndex]! / size;
    for (let ih = h.from; ih < h.to; ih++) {
      const rowOffset = planeOffset + ih * s.width;
      for (let iw = w.from; iw < w.to; iw++) gradInput[rowOffset + iw]! += share;
    }
  });
}
