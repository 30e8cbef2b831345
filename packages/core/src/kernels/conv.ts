// Raw Float32Array kernels for 2-D convolution (NCHW, row-major, contiguous): geometry, im2col, col2im
// (per image and per group of images).
// Imports nothing outside kernels/.

/** Sizes of one 2-D convolution or pooling window sweep; build it with {@link conv2dGeometry}. */
export interface Conv2dGeometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  outHeight: number;
  outWidth: number;
}

/** Everything {@link conv2dGeometry} needs: the geometry without the derived output sizes. */
export type Conv2dGeometryOptions = Omit<Conv2dGeometry, 'outHeight' | 'outWidth'>;

/**
 * Validates the sizes and derives the output size, `out = floor((in + 2·pad − kernel) / stride) + 1`.
 *
 * @example
 * const g = conv2dGeometry({ batch: 1, channels: 3, height: 32, width: 32, kernelHeight: 3, kernelWidth: 3,
 *   strideHeight: 1, strideWidth: 1, padHeight: 1, padWidth: 1 });
 * g.outHeight; // 32
 */
export function conv2dGeometry(opts: Conv2dGeometryOptions): Conv2dGeometry {
  const { batch, channels, height, width, kernelHeight, kernelWidth } = opts;
  const { strideHeight, strideWidth, padHeight, padWidth } = opts;
  requireInteger('batch', batch, 1);
  requireInteger('channels', channels, 1);
  requireInteger('height', height, 1);
  requireInteger('width', width, 1);
  requireInteger('kernelHeight', kernelHeight, 1);
  requireInteger('kernelWidth', kernelWidth, 1);
  requireInteger('strideHeight', strideHeight, 1);
  requireInteger('strideWidth', strideWidth, 1);
  requireInteger('padHeight', padHeight, 0);
  requireInteger('padWidth', padWidth, 0);

  const outHeight = Math.floor((height + 2 * padHeight - kernelHeight) / strideHeight) + 1;
  const outWidth = Math.floor((width + 2 * padWidth - kernelWidth) / strideWidth) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `conv2dGeometry: kernel ${kernelHeight}×${kernelWidth} does not fit input ${height}×${width} ` +
        `with padding ${padHeight}×${padWidth} (output would be ${outHeight}×${outWidth}); ` +
        `use a smaller kernel or more padding`,
    );
  }
  return {
    batch,
    channels,
    height,
    width,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    outHeight,
    outWidth,
  };
}

/**
 * Unfolds image `n` of `input` [N, C, H, W] into `cols` [(C·kH·kW) × (outH·outW)], row-major:
 * row `(c·kH + kh)·kW + kw`, column `oh·outW + ow`. Padding reads as zero. Overwrites `cols`.
 * A convolution is then `weight[O × C·kH·kW] @ cols`.
 *
 * @example
 * const cols = new Float32Array(g.channels * g.kernelHeight * g.kernelWidth * g.outHeight * g.outWidth);
 * for (let n = 0; n < g.batch; n++) { im2col(input, g, n, cols); // then matmul(weight, cols) → output image n }
 */
export function im2col(input: Float32Array, g: Conv2dGeometry, n: number, cols: Float32Array): void {
  checkBuffers('im2col', input, 'input', cols, g, n);
  im2colGroup(input, g, n, 1, cols); // one image is a group of one
}

/**
 * The adjoint of {@link im2col}: adds each entry of `cols` [(C·kH·kW) × (outH·outW)] into the
 * input position it was read from, in image `n` of `inputGrad` [N, C, H, W]. Entries that came
 * from padding are dropped. Accumulates (`+=`); zero `inputGrad` first for a fresh gradient.
 *
 * @example
 * // cols = weightᵀ @ gradOutput(image n)
 * col2im(cols, g, n, inputGrad);
 */
export function col2im(cols: Float32Array, g: Conv2dGeometry, n: number, inputGrad: Float32Array): void {
  checkBuffers('col2im', inputGrad, 'inputGrad', cols, g, n);
  col2imGroup(cols, g, n, 1, inputGrad); // one image is a group of one
}

/**
 * Unfolds images `first … first+count−1` of `input` [N, C, H, W] side by side into `cols`
 * [(C·kH·kW) × (count·outH·outW)], row-major: row `(c·kH + kh)·kW + kw`, column
 * `i·outH·outW + oh·outW + ow` for image `first + i`. Padding reads as zero. Overwrites `cols`.
 * One matmul `weight[O × C·kH·kW] @ cols` then convolves the whole group.
 *
 * @example
 * const cols = new Float32Array(g.channels * g.kernelHeight * g.kernelWidth * 4 * g.outHeight * g.outWidth);
 * im2colGroup(input, g, 0, 4, cols); // images 0…3
 */
export function im2colGroup(
  input: Float32Array,
  g: Conv2dGeometry,
  first: number,
  count: number,
  cols: Float32Array,
): void {
  checkGroupBuffers('im2colGroup', input, 'input', cols, g, first, count);
  const { channels, height, width, kernelHeight, kernelWidth } = g;
  const { strideHeight, strideWidth, padHeight, padWidth, outHeight, outWidth } = g;
  const positions = outHeight * outWidth;
  const rowLength = count * positions;

  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        for (let i = 0; i < count; i++) {
          const channelOffset = ((first + i) * channels + c) * height * width;
          let colIndex = row * rowLength + i * positions;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight - padHeight + kh;
            if (ih < 0 || ih >= height) {
              cols.fill(0, colIndex, colIndex + outWidth);
              colIndex += outWidth;
              continue;
            }
            const rowOffset = channelOffset + ih * width;
            for (let ow = 0; ow < outWidth; ow++) {
              const iw = ow * strideWidth - padWidth + kw;
              cols[colIndex++] = iw >= 0 && iw < width ? input[rowOffset + iw]! : 0;
            }
          }
        }
        row++;
      }
    }
  }
}

/**
 * The adjoint of {@link im2colGroup}: adds each entry of `cols` [(C·kH·kW) × (count·outH·outW)]
 * into the position of image `first + i` of `inputGrad` [N, C, H, W] it was read from. Entries
 * that came from padding are dropped. Accumulates (`+=`).
 */
export function col2imGroup(
  cols: Float32Array,
  g: Conv2dGeometry,
  first: number,
  count: number,
  inputGrad: Float32Array,
): void {
  checkGroupBuffers('col2imGroup', inputGrad, 'inputGrad', cols, g, first, count);
  const { channels, height, width, kernelHeight, kernelWidth } = g;
  const { strideHeight, strideWidth, padHeight, padWidth, outHeight, outWidth } = g;
  const positions = outHeight * outWidth;
  const rowLength = count * positions;

  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        for (let i = 0; i < count; i++) {
          const channelOffset = ((first + i) * channels + c) * height * width;
          let colIndex = row * rowLength + i * positions;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight - padHeight + kh;
            if (ih < 0 || ih >= height) {
              colIndex += outWidth;
              continue;
            }
            const rowOffset = channelOffset + ih * width;
            for (let ow = 0; ow < outWidth; ow++) {
              const iw = ow * strideWidth - padWidth + kw;
              if (iw >= 0 && iw < width) inputGrad[rowOffset + iw]! += cols[colIndex]!;
              colIndex++;
            }
          }
        }
        row++;
      }
    }
  }
}

function checkGroupBuffers(
  op: string,
  image: Float32Array,
  imageName: string,
  cols: Float32Array,
  g: Conv2dGeometry,
  first: number,
  count: number,
): void {
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1 || first + count > g.batch) {
    throw new Error(
      `${op}: images [${first}, ${first + count}) are not a non-empty range inside the batch [0, ${g.batch})`,
    );
  }
  checkBuffers(op, image, imageName, cols, g, first, false); // image length only
  const colsLength = g.channels * g.kernelHeight * g.kernelWidth * count * g.outHeight * g.outWidth;
  if (cols.length !== colsLength) {
    throw new Error(
      `${op}: cols has length ${cols.length}, expected ` +
        `${g.channels}·${g.kernelHeight}·${g.kernelWidth}·${count}·${g.outHeight}·${g.outWidth} = ${colsLength} ` +
        `(C·kH·kW·count·outH·outW); pass a subarray to reuse a larger scratch buffer`,
    );
  }
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`conv2dGeometry: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Validates an image buffer, image index and columns buffer for geometry `g` (shared with conv-direct). */
export function checkBuffers(
  op: string,
  image: Float32Array,
  imageName: string,
  cols: Float32Array,
  g: Conv2dGeometry,
  n: number,
  checkCols = true,
): void {
  if (!Number.isInteger(n) || n < 0 || n >= g.batch) {
    throw new Error(`${op}: image index ${n} is outside the batch [0, ${g.batch})`);
  }
  const imageLength = g.batch * g.channels * g.height * g.width;
  if (image.length !== imageLength) {
    throw new Error(
      `${op}: ${imageName} has length ${image.length}, expected ` +
        `${g.batch}·${g.channels}·${g.height}·${g.width} = ${imageLength} (N·C·H·W)`,
    );
  }
  const colsLength = g.channels * g.kernelHeight * g.kernelWidth * g.outHeight * g.outWidth;
  if (checkCols && cols.length !== colsLength) {
    throw new Error(
      `${op}: cols has length ${cols.length}, expected ` +
        `${g.channels}·${g.kernelHeight}·${g.kernelWidth}·${g.outHeight}·${g.outWidth} = ${colsLength} ` +
        `(C·kH·kW·outH·outW); pass a subarray to reuse a larger scratch buffer`,
    );
  }
}
