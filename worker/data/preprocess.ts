/**
 * Spec 2.3-2.4 preprocessing: shorter side to 256 (Pillow Lanczos for images, Pillow nearest for masks),
 * centre crop 224 (torchvision's rounding), ToTensor + ImageNet Normalize with torchvision's float32 arithmetic.
 */
import { DataError } from '../../shared/errors.js';
import { decodeImage, decodeMask } from './decode.js';
import { resizeLanczos, resizeNearest, type RawImage } from './pillow-resample.js';

export const RESIZE_SHORTER = 256;
export const CROP_SIZE = 224;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** torchvision _compute_resized_output_size for a single int: the shorter side becomes `size`. */
export function shorterSideSize(
  width: number,
  height: number,
  size = RESIZE_SHORTER,
): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.floor((size * height) / width) };
  return { width: Math.floor((size * width) / height), height: size };
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision center_crop offsets: top = round((H - crop) / 2), left = round((W - crop) / 2). */
export function centreCropOffsets(width: number, height: number, crop = CROP_SIZE): { top: number; left: number } {
  if (width < crop || height < crop) throw new RangeError(`cannot crop ${crop}x${crop} out of ${width}x${height}`);
  return { top: roundHalfEven((height - crop) / 2), left: roundHalfEven((width - crop) / 2) };
}

export function centreCrop(img: RawImage, crop = CROP_SIZE): RawImage {
  const { top, left } = centreCropOffsets(img.width, img.height, crop);
  const ch = img.channels;
  const out = new Uint8Array(crop * crop * ch);
  for (let y = 0; y < crop; y++) {
    const from = ((top + y) * img.width + left) * ch;
    out.set(img.data.subarray(from, from + crop * ch), y * crop * ch);
  }
  return { data: out, width: crop, height: crop, channels: ch };
}

/** Per-channel lookup tables: float32((float32(v/255) - mean) / std), as torchvision computes it. */
const NORMALISE_LUT: Float32Array[] = IMAGENET_MEAN.map((m, c) => {
  const lut = new Float32Array(256);
  const mean = Math.fround(m);
  const std = Math.fround(IMAGENET_STD[c]);
  for (let v = 0; v < 256; v++) lut[v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
  return lut;
});

/** Resize + crop an already decoded image; returns the 224x224 RGB crop (grey replicated to 3 channels). */
export function preprocessRaw(img: RawImage): Uint8Array {
  const size = shorterSideSize(img.width, img.height);
  const crop = centreCrop(resizeLanczos(img, size.width, size.height));
  if (crop.channels === 3) return crop.data;
  const rgb = new Uint8Array(CROP_SIZE * CROP_SIZE * 3);
  for (let i = 0; i < crop.data.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = crop.data[i];
  return rgb;
}

/** ImageNet-normalised CHW float32 from a 224x224 RGB crop; writes into `out` at `offset` when given. */
export function normaliseToChw(
  rgb: Uint8Array,
  out = new Float32Array(3 * CROP_SIZE * CROP_SIZE),
  offset = 0,
): Float32Array {
  const plane = CROP_SIZE * CROP_SIZE;
  for (let c = 0; c < 3; c++) {
    const lut = NORMALISE_LUT[c];
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = lut[rgb[i * 3 + c]];
  }
  return out;
}

export interface LoadedImage {
  /** 3*224*224 float32 CHW, ImageNet-normalised */
  tensor: Float32Array;
  /** 224*224*3 RGB uint8 crop, for overlays */
  rgb: Uint8Array;
  /** size of the file as decoded, before resizing */
  width: number;
  height: number;
}

/** Spec 2.3: decode, Resize(256, LANCZOS), CenterCrop(224), ToTensor, Normalize. */
export async function loadImage(path: string): Promise<LoadedImage> {
  const img = await decodeImage(path);
  const rgb = preprocessRaw(img);
  return { tensor: normaliseToChw(rgb), rgb, width: img.width, height: img.height };
}

/** Resize(256, NEAREST) + CenterCrop(224) + (> 0) for an already decoded L-mode mask. */
export function preprocessMaskRaw(mask: RawImage): Uint8Array {
  const size = shorterSideSize(mask.width, mask.height);
  const crop = centreCrop(resizeNearest(mask, size.width, size.height));
  const out = new Uint8Array(CROP_SIZE * CROP_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = crop.data[i] > 0 ? 1 : 0;
  return out;
}

/** Spec 2.4: 224*224 uint8 0/1; a null path gives all zeros; throws DataError if the mask size differs from its image. */
export async function loadMask(
  path: string | null,
  imageSize?: { width: number; height: number },
): Promise<Uint8Array> {
  if (path === null) return new Uint8Array(CROP_SIZE * CROP_SIZE);
  const mask = await decodeMask(path);
  if (imageSize && (mask.width !== imageSize.width || mask.height !== imageSize.height)) {
    throw new DataError(
      `mask is ${mask.width}x${mask.height} but its image is ${imageSize.width}x${imageSize.height}`,
      path,
    );
  }
  return preprocessMaskRaw(mask);
}
