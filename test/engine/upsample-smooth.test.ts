import { describe, expect, it } from 'vitest';
import { upsampleBilinear } from '../../worker/engine/resize.js';
import { smoothGaussian, smoothReference } from '../../worker/engine/smoothing.js';
import { scanMaps, scoreMaps } from '../../worker/engine/variant-metrics.js';
import { axisOperator, upsampleSmooth, upsampleSmoothScan } from '../../worker/engine/upsample-smooth.js';
import { relToMax } from './fixtures.js';
import { rand } from './prng.js';

describe('fused upsample + smoothing', () => {
  for (const [h, w] of [
    [7, 7],
    [8, 5],
    [2, 2],
  ] as const)
    for (const sigma of [2, 4])
      it(`equals smooth(upsample(d)) within 3e-7 of the max for ${h}x${w}, sigma ${sigma}, both kinds`, () => {
        const n = 2;
        const d = Float32Array.from(rand(h * 100 + w + sigma, n * h * w), (v) => (v + 1) * 50);
        const up = upsampleBilinear(d, n, h, w, 224);
        const ref = smoothReference(up, n, 224, 224, sigma);
        const gau = smoothGaussian(up, n, 224, 224, sigma);
        expect(relToMax(upsampleSmooth(d, n, h, w, 224, 'reference', sigma), ref)).toBeLessThanOrEqual(3e-7);
        expect(relToMax(upsampleSmooth(d, n, h, w, 224, 'gaussian', sigma), gau)).toBeLessThanOrEqual(3e-7);
      });
});

/** The operator product A_v . D . A_h^T as plain dense loops in float64, a ascending, b ascending (the oracle). */
function denseProduct(
  d: Float32Array,
  n: number,
  h: number,
  w: number,
  size: number,
  kind: 'reference' | 'gaussian',
  sigma: number,
): Float32Array {
  const av = axisOperator(h, size, kind, sigma, 'v');
  const ah = axisOperator(w, size, kind, sigma, 'h');
  const out = new Float32Array(n * size * size);
  const tmp = new Float64Array(h * size);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < h; a++)
      for (let x = 0; x < size; x++) {
        let s = 0;
        for (let b = 0; b < w; b++) s += d[(i * h + a) * w + b] * ah[x * w + b];
        tmp[a * size + x] = s;
      }
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let s = 0;
        for (let a = 0; a < h; a++) s += av[y * h + a] * tmp[a * size + x];
        out[(i * size + y) * size + x] = s;
      }
  }
  return out;
}

describe('fused upsample + smoothing: banded loops', () => {
  for (const [h, w, size] of [
    [28, 28, 224],
    [14, 9, 224],
    [5, 6, 31],
  ] as const)
    it(`are bit-identical to the dense operator product (${h}x${w} -> ${size})`, () => {
      const d = Float32Array.from(rand(h * 7 + w, 2 * h * w), (v) => (v + 1.5) * 20);
      for (const [kind, sigma] of [
        ['reference', 4],
        ['gaussian', 2],
        ['reference', 6],
      ] as const) {
        const got = upsampleSmooth(d, 2, h, w, size, kind, sigma);
        expect(got).toEqual(denseProduct(d, 2, h, w, size, kind, sigma));
      }
    });
});

describe('upsampleSmoothScan', () => {
  it('scans its outputs as scanMaps would (maxima, range), into a given buffer or a new one', () => {
    const d = Float32Array.from(rand(77, 3 * 14 * 14), (v) => (v + 1) * 30);
    const plain = upsampleSmooth(d, 3, 14, 14, 224, 'reference', 4);
    const buf = new Float32Array(3 * 224 * 224).fill(7);
    const got = upsampleSmoothScan(d, 3, 14, 14, 224, 'reference', 4, buf);
    expect(got.maps).toBe(buf);
    expect(got.maps).toEqual(plain);
    const want = scanMaps(plain, 3, 224);
    expect(got.scan).toEqual({ ...want, nanAt: -1 });
    expect(new Set(got.scan.imageScores).size).toBe(3); // three different maps: the maxima are per image
    expect(() => upsampleSmoothScan(d, 3, 14, 14, 224, 'reference', 4, new Float32Array(5))).toThrow(/output buffer/);
  });

  it('reports the first NaN output, which scoreMaps turns into an error naming it', () => {
    const d = Float32Array.from(rand(78, 2 * 6 * 6), (v) => v + 2);
    d[36 + 20] = Number.NaN; // second map
    const { maps, scan } = upsampleSmoothScan(d, 2, 6, 6, 224, 'gaussian', 2);
    expect(scan.nanAt).toBeGreaterThanOrEqual(224 * 224);
    expect(Number.isNaN(maps[scan.nanAt])).toBe(true);
    expect(maps.slice(0, scan.nanAt).some((v) => Number.isNaN(v))).toBe(false);
    const truth = {
      labels: Uint8Array.from([0, 1]),
      masks: new Uint8Array(2 * 224 * 224).fill(1, 224 * 224, 224 * 224 + 500),
      defects: ['good', 'x'],
    };
    expect(() => scoreMaps(maps, truth, 2, [], undefined, scan)).toThrow(
      new RegExp(`NaN in scores \\(index=${scan.nanAt}`),
    );
  });
});

describe('upsampleSmoothScan into the workspace', () => {
  it('gives the same maps and scan as a new array; the view is reused by the next call', () => {
    const a = Float32Array.from(rand(91, 2 * 28 * 28), (v) => (v + 1) * 9);
    const b = Float32Array.from(rand(92, 2 * 28 * 28), (v) => (v + 1) * 9);
    const fresh = upsampleSmoothScan(a, 2, 28, 28, 224, 'reference', 6);
    const inWs = upsampleSmoothScan(a, 2, 28, 28, 224, 'reference', 6, 'workspace');
    expect(inWs.maps).toEqual(fresh.maps);
    expect(inWs.scan).toEqual(fresh.scan);
    const kept = inWs.maps.slice();
    const next = upsampleSmoothScan(b, 2, 28, 28, 224, 'reference', 6, 'workspace');
    expect(next.maps.buffer).toBe(inWs.maps.buffer);
    expect(inWs.maps).not.toEqual(kept); // overwritten: a caller keeps a copy, as the group evaluator does for kept maps
    expect(fresh.maps).toEqual(kept); // the 'new' result is the caller's own
  });
});
