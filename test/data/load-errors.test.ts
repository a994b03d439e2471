/** Loading: decode errors and mask size mismatches name the file; batch order and normalisation values. */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../shared/errors.js';
import { loadBatch, loadImage, loadMask, loadMasks } from '../../worker/data/index.js';
import { rgbToLuma } from '../../worker/data/decode.js';
import { centreCropOffsets, roundHalfEven, shorterSideSize } from '../../worker/data/preprocess.js';
import { png, tempRoot } from './tree-helpers.js';

const t = tempRoot('load');
afterAll(() => t.cleanup());

describe('loading errors name the file', () => {
  it('missing image, unreadable image, mask of the wrong size', async () => {
    const missing = join(t.root, 'none.png');
    await expect(loadImage(missing)).rejects.toThrow(`${missing}: image not found`);
    const junk = join(t.root, 'junk.png');
    writeFileSync(junk, 'this is not a PNG');
    await expect(loadImage(junk)).rejects.toThrow(DataError);
    await expect(loadImage(junk)).rejects.toThrow(
      new RegExp(`^${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot decode image: `),
    );
    const mask = join(t.root, 'm.png');
    await png(mask, 300, 200, 255, 1);
    await expect(loadMask(mask, { width: 300, height: 201 })).rejects.toThrow(
      `${mask}: mask is 300x200 but its image is 300x201`,
    );
    const img = join(t.root, 'img.png');
    await png(img, 300, 201, 7);
    await expect(loadMasks([{ path: img, label: 1, defect: 'x', maskPath: mask }])).rejects.toThrow(
      /mask is 300x200 but its image is 300x201/,
    );
  });

  it('null mask is all zeros, any non-zero grey counts as defect', async () => {
    expect((await loadMask(null)).reduce((a, v) => a + v, 0)).toBe(0);
    const faint = join(t.root, 'faint.png');
    await png(faint, 256, 256, 1, 1);
    expect((await loadMask(faint)).reduce((a, v) => a + v, 0)).toBe(224 * 224);
  });
});

describe("channel handling like convert('RGB') / convert('L')", () => {
  it("alpha is dropped (not composited); an RGB mask uses Pillow's integer luma", async () => {
    const rgba = new Uint8Array(256 * 256 * 4);
    for (let i = 0; i < 256 * 256; i++) rgba.set([10, 200, 30, i % 256], i * 4);
    const p = join(t.root, 'rgba.png');
    await sharp(rgba, { raw: { width: 256, height: 256, channels: 4 } })
      .png()
      .toFile(p);
    const { rgb } = await loadImage(p);
    expect(Array.from(rgb.subarray(0, 6))).toEqual([10, 200, 30, 10, 200, 30]);
    // (0,0,2): 2*7471 + 0x8000 < 65536, so L = 0 (not a defect); (0,1,0): 38470 + 0x8000 >= 65536, so L = 1
    const m0 = join(t.root, 'blue2.png');
    await png(m0, 256, 256, [0, 0, 2]);
    expect((await loadMask(m0)).reduce((a, v) => a + v, 0)).toBe(0);
    const m1 = join(t.root, 'green1.png');
    await png(m1, 256, 256, [0, 1, 0]);
    expect((await loadMask(m1)).reduce((a, v) => a + v, 0)).toBe(224 * 224);
    // values printed by Pillow 9.4: Image.new('RGB', (1, 1), c).convert('L')
    const cases: [number[], number][] = [
      [[0, 0, 4], 0],
      [[0, 0, 5], 1],
      [[1, 0, 0], 0],
      [[2, 0, 0], 1],
      [[255, 255, 255], 255],
      [[12, 200, 99], 132],
    ];
    const luma = rgbToLuma({
      data: Uint8Array.from(cases.flatMap(([c]) => c)),
      width: cases.length,
      height: 1,
      channels: 3,
    });
    expect(Array.from(luma.data)).toEqual(cases.map(([, l]) => l));
  });
});

describe('geometry and normalisation', () => {
  it('shorter side to 256 with int() of the long side, crop offsets with Python rounding', () => {
    expect(shorterSideSize(1500, 1000)).toEqual({ width: 384, height: 256 });
    expect(shorterSideSize(97, 131)).toEqual({ width: 256, height: 345 });
    expect(shorterSideSize(700, 700)).toEqual({ width: 256, height: 256 });
    expect(roundHalfEven(16.5)).toBe(16);
    expect(roundHalfEven(79.5)).toBe(80);
    expect(roundHalfEven(2.4)).toBe(2);
    expect(centreCropOffsets(256, 256)).toEqual({ top: 16, left: 16 });
    expect(centreCropOffsets(383, 257)).toEqual({ top: 16, left: 80 });
  });

  it('loadBatch keeps sample order; flat colours normalise to (v/255 - mean)/std', async () => {
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [0, 128, 255],
      [10, 20, 30],
    ];
    const refs = await Promise.all(
      colours.map(async (c, i) => {
        const p = join(t.root, `flat${i}.png`);
        await png(p, 320 + i * 13, 240, c);
        return { path: p, label: 0 as const, defect: 'good', maskPath: null };
      }),
    );
    const { images, rgb } = await loadBatch(refs, { concurrency: 3 });
    const plane = 224 * 224;
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    colours.forEach((c, i) => {
      for (let ch = 0; ch < 3; ch++) {
        const v = images[i * 3 * plane + ch * plane + 1000];
        expect(v).toBeCloseTo((c[ch] / 255 - mean[ch]) / std[ch], 5);
      }
      expect(Array.from(rgb[i].subarray(0, 3))).toEqual(c);
    });
  });
});
