import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import type { DwtMode, Wavelet } from '../../shared/wavelets.js';
import { WAVELETS } from '../../shared/wavelets.js';
import { dwt2 } from '../../worker/engine/dwt.js';
import { featureBatch } from '../../worker/engine/feature-batch.js';
import { resizeBilinear } from '../../worker/engine/resize.js';
import { WAVELET_FILTERS } from '../../worker/engine/wavelet-filters.js';
import { f32, loadFixture, maxAbsDiff, type StoredArray } from './fixtures.js';
import { rand } from './prng.js';

interface DwtCase {
  wavelet: Wavelet;
  mode: DwtMode;
  level: number;
  seed: number;
  shape: [number, number, number];
  LL: StoredArray;
  details: { LH: StoredArray; HL: StoredArray; HH: StoredArray }[];
}
interface InterpCase {
  seed: number;
  shape: [number, number, number];
  out: [number, number];
  y: StoredArray;
}

describe('dwt2 against pywt.wavedec2', () => {
  const { cases } = loadFixture<{ cases: DwtCase[] }>('dwt.json');
  it('covers every allowed wavelet in all three modes', () => {
    for (const w of WAVELETS)
      for (const m of ['zero', 'symmetric', 'periodization']) {
        expect(cases.some((c) => c.wavelet === w && c.mode === m)).toBe(true);
      }
    expect(cases.some((c) => c.level === 2)).toBe(true);
  });
  it('matches every band within 1e-6 absolute (float32)', () => {
    let worst = 0;
    for (const c of cases) {
      const [ch, h, w] = c.shape;
      const x = featureBatch(1, ch, h, w, rand(c.seed, ch * h * w));
      const r = dwt2(x, c.wavelet, c.level, c.mode);
      const ll = f32(c.LL);
      expect([r.LL.h, r.LL.w], `${c.wavelet} ${c.mode} J${c.level} LL shape`).toEqual(c.LL.shape.slice(-2));
      worst = Math.max(worst, maxAbsDiff(r.LL.data, ll));
      c.details.forEach((d, j) => {
        for (const b of ['LH', 'HL', 'HH'] as const) {
          expect([r.details[j][b].h, r.details[j][b].w]).toEqual(d[b].shape.slice(-2));
          const e = maxAbsDiff(r.details[j][b].data, f32(d[b]));
          expect(e, `${c.wavelet} ${c.mode} J${c.level} level ${j + 1} ${b}`).toBeLessThanOrEqual(1e-6);
        }
      });
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
  it('uses the spec filters (haar, db2 dec_lo)', () => {
    expect(WAVELET_FILTERS.haar.decLo[0]).toBeCloseTo(0.70710678118654757, 15);
    expect(WAVELET_FILTERS.db2.decLo).toEqual([
      -0.12940952255126037, 0.22414386804201339, 0.83651630373780794, 0.48296291314453416,
    ]);
  });
  it('rejects a level too deep for the map with the sizes', () => {
    const x = featureBatch(1, 1, 7, 7);
    expect(() => dwt2(x, 'haar', 4, 'zero')).toThrow(ShapeError);
    expect(() => dwt2(x, 'haar', 4, 'zero')).toThrow(/level 4 is too deep for a 7x7 map/);
  });
});

describe('resizeBilinear against torch F.interpolate(bilinear, align_corners=False)', () => {
  const { cases } = loadFixture<{ cases: InterpCase[] }>('interp.json');
  it('matches down- and upsampling within 1e-6 absolute', () => {
    for (const c of cases) {
      const [ch, h, w] = c.shape;
      const x = featureBatch(1, ch, h, w, rand(c.seed, ch * h * w));
      const y = resizeBilinear(x, c.out[0], c.out[1]);
      expect(maxAbsDiff(y.data, f32(c.y)), `${h}x${w} -> ${c.out.join('x')}`).toBeLessThanOrEqual(1e-6);
    }
  });
});
