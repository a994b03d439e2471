/**
 * Parity with Debian's Pillow 9.4 + torchvision 0.14 (fixtures from test/fixtures/make_pil_fixtures.py):
 * Lanczos resize to shorter side 256, NEAREST mask resize, centre crop and normalisation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeMask } from '../../worker/data/decode.js';
import { resizeLanczos, resizeNearest } from '../../worker/data/pillow-resample.js';
import { CROP_SIZE, loadImage, loadMask, shorterSideSize } from '../../worker/data/preprocess.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'pil');

interface FixtureCase {
  name: string;
  kind: 'image' | 'mask';
  input: string;
  pilDecoded: string | null;
  inWidth: number;
  inHeight: number;
  channels: number;
  outWidth: number;
  outHeight: number;
  resized: string;
  tensorSamples?: [number, number, number, number][];
  tensorSum?: number;
  cropOnes?: number;
  cropRowSums?: number[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  pillow: string;
  cases: FixtureCase[];
};

function diffStats(a: Uint8Array, b: Uint8Array): { maxDiff: number; differing: number } {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return { maxDiff, differing };
}

describe(`Pillow ${manifest.pillow} parity`, () => {
  for (const c of manifest.cases.filter((x) => x.kind === 'image')) {
    it(`Lanczos ${c.name} -> ${c.outWidth}x${c.outHeight}`, async () => {
      const src = await decodeImage(join(DIR, c.input));
      expect([src.width, src.height]).toEqual([c.inWidth, c.inHeight]);
      expect(shorterSideSize(src.width, src.height)).toEqual({ width: c.outWidth, height: c.outHeight });
      const ours = resizeLanczos(src, c.outWidth, c.outHeight);
      const pil = await decodeImage(join(DIR, c.resized));
      expect(ours.channels).toBe(pil.channels);
      const { maxDiff, differing } = diffStats(ours.data, pil.data);
      console.info(`${c.name}: max |diff| ${maxDiff}, ${differing}/${ours.data.length} values differ`);
      if (c.input.endsWith('.png')) {
        // same decoded input: the port must be exact
        expect(differing).toBe(0);
      } else {
        expect(maxDiff).toBeLessThanOrEqual(1);
      }
    });

    it(`full pipeline tensor ${c.name}`, async () => {
      const { tensor, rgb } = await loadImage(join(DIR, c.input));
      expect(tensor.length).toBe(3 * CROP_SIZE * CROP_SIZE);
      expect(rgb.length).toBe(CROP_SIZE * CROP_SIZE * 3);
      const exact = c.input.endsWith('.png');
      for (const [ch, y, x, v] of c.tensorSamples ?? []) {
        const got = tensor[ch * CROP_SIZE * CROP_SIZE + y * CROP_SIZE + x];
        if (exact) expect(got).toBe(Math.fround(v));
        else expect(Math.abs(got - v)).toBeLessThanOrEqual(1 / 255 / 0.224 + 1e-6);
      }
      let sum = 0;
      for (const v of tensor) sum += v;
      expect(Math.abs(sum - (c.tensorSum ?? NaN))).toBeLessThan(exact ? 1e-2 : 200);
    });
  }

  it('JPEG decoding matches Pillow (libjpeg-turbo) on a 96x96 corner', async () => {
    const c = manifest.cases.find((x) => x.pilDecoded !== null);
    if (!c?.pilDecoded) throw new Error('fixture manifest has no JPEG case');
    const ours = await decodeImage(join(DIR, c.input));
    const pil = await decodeImage(join(DIR, c.pilDecoded));
    const corner = new Uint8Array(96 * 96 * 3);
    for (let y = 0; y < 96; y++)
      corner.set(ours.data.subarray(y * ours.width * 3, y * ours.width * 3 + 96 * 3), y * 96 * 3);
    const { maxDiff, differing } = diffStats(corner, pil.data);
    console.info(`JPEG decode: max |diff| ${maxDiff}, ${differing}/${corner.length} values differ`);
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  for (const c of manifest.cases.filter((x) => x.kind === 'mask')) {
    it(`NEAREST mask ${c.name}`, async () => {
      const src = await decodeMask(join(DIR, c.input));
      const ours = resizeNearest(src, c.outWidth, c.outHeight);
      const pil = await decodeMask(join(DIR, c.resized));
      expect(diffStats(ours.data, pil.data).differing).toBe(0);
      const crop = await loadMask(join(DIR, c.input), { width: c.inWidth, height: c.inHeight });
      const rowSums = Array.from({ length: CROP_SIZE }, (_, y) =>
        crop.subarray(y * CROP_SIZE, (y + 1) * CROP_SIZE).reduce((s, v) => s + v, 0),
      );
      expect(rowSums).toEqual(c.cropRowSums);
      expect(rowSums.reduce((s, v) => s + v, 0)).toBe(c.cropOnes);
    });
  }
});
