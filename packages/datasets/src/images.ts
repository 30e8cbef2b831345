// @backprop/datasets/images: the browser-safe part of picture reading — checking PNG/JPEG bytes
// before a decoder sees them, decoding, and the resize to a tensor. Must not import node:* nor @backprop/core.
export { checkImage, decodeImage, type DecodeImageOptions, type ImageHeader } from './image/decode-image.js';
export { ImageError } from './image/image-error.js';
export { imageToTensor, type ImageTensorOptions } from './image/image-tensor.js';
export { IMAGE_LIMITS, type ImageLimits } from './image/limits.js';
export type { Orientation, Raster } from './image/raster.js';
export { inkPolarity, type InkPolarity } from './image/ink-polarity.js';
