import { describe, expect, it } from 'vitest';
import { upsampleBilinear } from '../../worker/engine/resize.js';
import { smoothGaussian, smoothReference } from '../../worker/engine/smoothing.js';
import { upsampleSmooth } from '../../worker/engine/upsample-smooth.js';
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
