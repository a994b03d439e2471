import { describe, expect, it } from 'vitest';
import { upsampleBilinear } from '../../worker/engine/resize.js';
import { smoothGaussian, smoothReference } from '../../worker/engine/smoothing.js';
import { axisOperator, upsampleSmooth } from '../../worker/engine/upsample-smooth.js';
import { relToMax } from './fixtures.js';
import { rand } from './prng.js';

describe('fused upsample + smoothing', () => {
  for (const [h, w] of [[7, 7], [8, 5], [2, 2]] as const)
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
function denseProduct(d: Float32Array, n: number, h: number, w: number, size: number, kind: 'reference' | 'gaussian', sigma: number): Float32Array {
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
  for (const [h, w, size] of [[28, 28, 224], [14, 9, 224], [5, 6, 31]] as const)
    it(`are bit-identical to the dense operator product (${h}x${w} -> ${size})`, () => {
      const d = Float32Array.from(rand(h * 7 + w, 2 * h * w), (v) => (v + 1.5) * 20);
      for (const [kind, sigma] of [['reference', 4], ['gaussian', 2], ['reference', 6]] as const) {
        const got = upsampleSmooth(d, 2, h, w, size, kind, sigma);
        expect(got).toEqual(denseProduct(d, 2, h, w, size, kind, sigma));
      }
    });
});
