import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { smoothGaussian, smoothReference } from '../../worker/engine/smoothing.js';
import { f32, loadFixture, relToMax, type StoredArray } from './fixtures.js';
import { rand } from './prng.js';

interface SCase {
  seed: number;
  shape: [number, number];
  sigma: number;
  stride?: number;
  reference: StoredArray;
  gaussian: StoredArray;
}

function input(c: SCase): Float32Array {
  const x = rand(c.seed, c.shape[0] * c.shape[1]);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.abs(x[i]) * 10);
  return x;
}

function strided(a: Float32Array, h: number, w: number, s: number): Float32Array {
  const out: number[] = [];
  for (let y = 0; y < h; y += s) for (let x = 0; x < w; x += s) out.push(a[y * w + x]);
  return Float32Array.from(out);
}

describe('smoothing against torch (the original kernel) and scipy', () => {
  const { cases } = loadFixture<{ cases: SCase[] }>('smoothing.json');
  it('reference smoothing matches the original torch conv2d kernel within 5e-6 of the max (torch sums k*k terms in float32)', () => {
    for (const c of cases) {
      const [h, w] = c.shape;
      let y = smoothReference(input(c), 1, h, w, c.sigma);
      if (c.stride) y = strided(y, h, w, c.stride);
      const e = relToMax(y, f32(c.reference));
      if (process.env.ENGINE_VERBOSE) console.log('reference smoothing', h, w, c.sigma, e);
      expect(e, `${h}x${w} sigma ${c.sigma}`).toBeLessThanOrEqual(5e-6);
    }
  });
  it('gaussian smoothing matches scipy.ndimage.gaussian_filter within 2e-7 of the max', () => {
    for (const c of cases) {
      const [h, w] = c.shape;
      let y = smoothGaussian(input(c), 1, h, w, c.sigma);
      if (c.stride) y = strided(y, h, w, c.stride);
      expect(relToMax(y, f32(c.gaussian)), `${h}x${w} sigma ${c.sigma}`).toBeLessThanOrEqual(2e-7);
    }
  });
  it('the reference kernel has gain k^2 inside and darkens borders; the Gaussian keeps a constant field', () => {
    const h = 100;
    const ones = new Float32Array(h * h).fill(1);
    const ref = smoothReference(ones, 1, h, h, 4);
    expect(ref[50 * h + 50]).toBeCloseTo(33 * 33, 2);
    expect(ref[0]).toBeLessThan(ref[50 * h + 50] / 4);
    const g = smoothGaussian(ones, 1, h, h, 4);
    expect(g[0]).toBeCloseTo(1, 6);
    expect(g[50 * h + 50]).toBeCloseTo(1, 6);
  });
  it('rejects a bad sigma and a wrong buffer size', () => {
    expect(() => smoothReference(new Float32Array(4), 1, 2, 2, 0)).toThrow(ShapeError);
    expect(() => smoothGaussian(new Float32Array(5), 1, 2, 2, 1)).toThrow(/length=5/);
  });
});
