/**
 * Image decoding and PNG encoding. sharp (libvips) is used only to decode PNG/JPEG files to raw 8-bit pixels and
 * to encode PNGs; every resampling step is done by pillow-resample.ts so results match Pillow.
 */
import { access } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { DataError, errorMessage } from '../../shared/errors.js';
import type { RawImage } from './pillow-resample.js';

sharp.cache(false);

async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new DataError(`${what} not found`, path);
  }
}

/**
 * Decode to what Pillow's convert('RGB') would see: 1 channel for grey images (grey+alpha drops alpha), 3 channels
 * otherwise (alpha dropped, as Pillow does). Grey stays 1 channel so the resize runs once; replicate it afterwards.
 */
export async function decodeImage(path: string, what = 'image'): Promise<RawImage> {
  await assertReadable(path, what);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(path).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new DataError(`cannot decode ${what}: ${errorMessage(err)}`, path);
  }
  const { width, height, channels } = raw.info;
  const src = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  if (channels === 1 || channels === 3) return { data: src, width, height, channels };
  const keep = channels === 2 ? 1 : 3;
  const out = new Uint8Array(width * height * keep);
  for (let i = 0, j = 0; j < out.length; i += channels) {
    for (let b = 0; b < keep; b++) out[j++] = src[i + b];
  }
  return { data: out, width, height, channels: keep };
}

/** Pillow's RGB -> L conversion (L24 macro): (R*19595 + G*38470 + B*7471 + 0x8000) >> 16. */
export function rgbToLuma(img: RawImage): RawImage {
  if (img.channels === 1) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    out[i] = (img.data[p] * 19595 + img.data[p + 1] * 38470 + img.data[p + 2] * 7471 + 0x8000) >>> 16;
  }
  return { data: out, width: img.width, height: img.height, channels: 1 };
}

/** Decode a mask as Pillow's convert('L') would. */
export async function decodeMask(path: string): Promise<RawImage> {
  return rgbToLuma(await decodeImage(path, 'mask'));
}

/** Encode interleaved uint8 pixels as a PNG (deterministic bytes for the same input). */
export async function writePng(
  path: string,
  rgb: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 1,
): Promise<void> {
  if (rgb.length !== width * height * channels) {
    throw new RangeError(`writePng: ${rgb.length} bytes do not make a ${width}x${height}x${channels} image`);
  }
  await sharp(rgb, { raw: { width, height, channels } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toFile(path);
}

/** Width and height from the file header, without decoding pixels. */
export async function decodeHeader(path: string, what = 'image'): Promise<{ width: number; height: number }> {
  await assertReadable(path, what);
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) throw new Error('no image size in header');
    return { width: m.width, height: m.height };
  } catch (err) {
    throw new DataError(`cannot decode ${what}: ${errorMessage(err)}`, path);
  }
}
