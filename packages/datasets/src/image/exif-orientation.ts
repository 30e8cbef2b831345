// The EXIF orientation tag (0x0112) of a JPEG's APP1 segment; every offset read is bounds-checked.
// Imports nothing; browser-safe.
import type { Orientation } from './raster.js';

const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * The orientation (1..8) in an APP1 segment's payload, or 1 when the payload is not EXIF, the tag
 * is absent, or anything in it is malformed (a broken EXIF block does not make the picture unreadable).
 *
 * @example
 * ```ts
 * exifOrientation(app1Payload); // 6: the stored image must be turned 90° clockwise
 * ```
 */
export function exifOrientation(payload: Uint8Array): Orientation {
  if (payload.length < 14 || EXIF_ID.some((byte, i) => payload[i] !== byte)) return 1;
  const tiff = new DataView(payload.buffer, payload.byteOffset + 6, payload.byteLength - 6);
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1; // "II" little-endian, "MM" big-endian
  const little = order === 0x4949;
  if (tiff.getUint16(2, little) !== 42) return 1;
  const ifd = tiff.getUint32(4, little);
  if (ifd < 8 || ifd + 2 > tiff.byteLength) return 1;
  const entries = tiff.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.byteLength) return 1;
    if (tiff.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (tiff.getUint16(entry + 2, little) !== SHORT || tiff.getUint32(entry + 4, little) !== 1) return 1;
    const value = tiff.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}
