// Draws a sample [C, S, S] (values 0..1, C = 1 grey or 3 RGB) on a canvas: what the network sees,
// for thumbnails and the picture being tried.

/**
 * Paints `sample` on `canvas`, scaled up without smoothing to the canvas's size.
 *
 * @example
 * ```ts
 * drawSample(canvas, sample, 3); // sample: Float32Array(3·32·32)
 * ```
 */
export function drawSample(canvas: HTMLCanvasElement, sample: Float32Array, channels: number): void {
  const size = Math.round(Math.sqrt(sample.length / channels));
  const plane = size * size;
  const pixels = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) pixels[4 * i + c] = Math.round(255 * sample[(channels === 3 ? c * plane : 0) + i]!);
    pixels[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  [small.width, small.height] = [size, size];
  small.getContext('2d')!.putImageData(new ImageData(pixels, size, size), 0, 0);
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}
