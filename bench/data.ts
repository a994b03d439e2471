/**
 * Data-layer benchmarks: synthetic rendering vs PNG encoding, and preprocessing (decode + Pillow Lanczos + crop +
 * normalise) against sharp's own Lanczos3 resize of the same images as a baseline measured in the same run.
 * Run: node bin/run-ts.js bench/data.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, writePng } from '../worker/data/decode.js';
import { generateSyntheticDataset, loadImage, renderSample, SYNTHETIC_CLASS_NAMES } from '../worker/data/index.js';
import { resizeLanczos } from '../worker/data/pillow-resample.js';
import { shorterSideSize } from '../worker/data/preprocess.js';

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

const dir = mkdtempSync(join(tmpdir(), 'wepadim-bench-data-'));
try {
  // 1. synthetic: render per class, and encode
  const renderMs: Record<string, number> = {};
  for (const cls of SYNTHETIC_CLASS_NAMES) {
    const [, ms] = time(() => {
      for (let i = 0; i < 10; i++) renderSample(cls as 'grid', 256, i, i % 2 ? 'blob' : null);
    });
    renderMs[cls] = ms / 10;
  }
  const sample = renderSample('disc', 256, 1, null);
  const [, encMs] = await timeAsync(async () => {
    for (let i = 0; i < 10; i++) await writePng(join(dir, `e${i}.png`), sample.rgb, 256, 256, 3);
  });
  console.log(
    'render ms/image (256px):',
    Object.fromEntries(Object.entries(renderMs).map(([k, v]) => [k, Number(v.toFixed(1))])),
  );
  console.log(`png encode ms/image: ${(encMs / 10).toFixed(1)}`);
  const [res, genMs] = await timeAsync(() =>
    generateSyntheticDataset(join(dir, 'synth'), {
      classes: ['stripes', 'grid', 'disc'],
      train: 25,
      test: 20,
      size: 256,
      seed: 0,
    }),
  );
  console.log(`generate 3 classes x (25 train + 20 test) at 256px: ${(genMs / 1000).toFixed(2)} s, ${res.files} files`);

  // 2. preprocessing of 900x900 and 1500x1000 images: ours vs sharp's Lanczos3 resize (baseline)
  for (const [w, h] of [
    [900, 900],
    [1500, 1000],
  ] as const) {
    const big = new Uint8Array(w * h * 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const p = join(dir, `big${w}.png`);
    await writePng(p, big, w, h, 3);
    const img = await decodeImage(p);
    const size = shorterSideSize(w, h);
    const reps = 8;
    resizeLanczos(img, size.width, size.height); // warm-up (JIT)
    await loadImage(p);
    const [, oursResize] = time(() => {
      for (let i = 0; i < reps; i++) resizeLanczos(img, size.width, size.height);
    });
    const [, sharpResize] = await timeAsync(async () => {
      for (let i = 0; i < reps; i++) {
        await sharp(img.data, { raw: { width: w, height: h, channels: 3 } })
          .resize(size.width, size.height, { kernel: 'lanczos3' })
          .raw()
          .toBuffer();
      }
    });
    const [, full] = await timeAsync(async () => {
      for (let i = 0; i < reps; i++) await loadImage(p);
    });
    console.log(
      `${w}x${h} -> ${size.width}x${size.height}: our Pillow-port resize ${(oursResize / reps).toFixed(1)} ms, ` +
        `sharp lanczos3 ${(sharpResize / reps).toFixed(1)} ms (ratio ${(oursResize / sharpResize).toFixed(2)}x), ` +
        `full loadImage (decode+resize+crop+normalise) ${(full / reps).toFixed(1)} ms`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
