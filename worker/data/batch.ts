/** Loading many samples: bounded concurrency (sharp decodes on libuv threads; the resize runs on this thread). */
import { decodeHeader } from './decode.js';
import { CROP_SIZE, loadImage, loadMask } from './preprocess.js';
import type { SampleRef } from './types.js';

const PLANE = 3 * CROP_SIZE * CROP_SIZE;

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed = true; // the first error wins; the other workers stop taking new items
        throw err;
      }
    }
  });
  await Promise.all(workers);
}

/** Preprocessed images of `samples`, in order: n*3*224*224 float32 CHW plus the 224x224 RGB crops. */
export async function loadBatch(
  samples: readonly SampleRef[],
  opts: { concurrency?: number } = {},
): Promise<{ images: Float32Array; rgb: Uint8Array[] }> {
  const images = new Float32Array(samples.length * PLANE);
  const rgb: Uint8Array[] = new Array<Uint8Array>(samples.length);
  await forEachLimited(samples, opts.concurrency ?? 4, async (s, i) => {
    const img = await loadImage(s.path);
    images.set(img.tensor, i * PLANE);
    rgb[i] = img.rgb;
  });
  return { images, rgb };
}

/** Ground-truth masks of `samples` in order (224*224 0/1 each; zeros for normal samples), size-checked. */
export async function loadMasks(
  samples: readonly SampleRef[],
  opts: { concurrency?: number } = {},
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = new Array<Uint8Array>(samples.length);
  await forEachLimited(samples, opts.concurrency ?? 4, async (s, i) => {
    if (s.maskPath === null) {
      out[i] = await loadMask(null);
      return;
    }
    const { width, height } = await imageSize(s.path);
    out[i] = await loadMask(s.maskPath, { width, height });
  });
  return out;
}

/** Pixel size of an image file from its header (no full decode). */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  return decodeHeader(path);
}
