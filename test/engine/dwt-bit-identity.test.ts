import { describe, expect, it } from 'vitest';
import { DWT_MODES, WAVELETS, type DwtMode, type Wavelet } from '../../shared/wavelets.js';
import { dwt2 } from '../../worker/engine/dwt.js';
import { colsPass, rowsPass, tapPlan } from '../../worker/engine/dwt-kernels.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import { resizePlanes } from '../../worker/engine/resize.js';
import { WAVELET_FILTERS } from '../../worker/engine/wavelet-filters.js';
import { dwt2Reference } from './dwt-reference.js';
import { resizePlanesReference } from './resize-reference.js';
import { rand } from './prng.js';
import { f32, loadFixture, maxAbsDiff, type StoredArray } from './fixtures.js';

/** random planes with patches of +0 and -0 (so signed-zero sums are exercised) and a wide range of magnitudes */
function input(seed: number, n: number, c: number, h: number, w: number): FeatureBatch {
  const d = rand(seed, n * c * h * w);
  const m = rand(seed + 1, d.length);
  for (let i = 0; i < d.length; i++) {
    if (m[i] > 0.8) d[i] = m[i] > 0.9 ? -0 : 0;
    else if (m[i] < -0.9) d[i] *= 1e6;
    else if (m[i] < -0.8) d[i] *= 1e-6;
  }
  return featureBatch(n, c, h, w, d);
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let first = -1;
  for (let i = 0; i < ua.length && first < 0; i++) if (ua[i] !== ub[i]) first = i;
  expect(first, `${what}: first differing element ${first} (${a[first]} vs ${b[first]})`).toBe(-1);
}

describe('specialised DWT kernels are bit-identical to the tap-table reference', () => {
  const sizes: [number, number][] = [
    [2, 2],
    [3, 5],
    [7, 8],
    [14, 14],
    [15, 9],
    [28, 28],
    [33, 30],
  ];
  for (const wavelet of WAVELETS)
    for (const mode of DWT_MODES)
      it(`${wavelet} ${mode}`, () => {
        let seed = 11;
        for (const [h, w] of sizes) {
          const x = input(seed++, 2, 3, h, w);
          for (const level of [1, 2, 3]) {
            let ref;
            try {
              ref = dwt2Reference(x, wavelet, level, mode);
            } catch {
              expect(() => dwt2(x, wavelet, level, mode), `${h}x${w} J${level} must throw too`).toThrow();
              continue;
            }
            const got = dwt2(x, wavelet, level, mode);
            const tag = `${wavelet} ${mode} ${h}x${w} J${level}`;
            sameBits(got.LL.data, ref.LL.data, `${tag} LL`);
            expect([got.LL.h, got.LL.w]).toEqual([ref.LL.h, ref.LL.w]);
            got.details.forEach((d, j) => {
              for (const b of ['LH', 'HL', 'HH'] as const)
                sameBits(d[b].data, ref.details[j][b].data, `${tag} L${j + 1} ${b}`);
            });
          }
        }
      });

  it('keeps +0 where every product is -0 (sums start from +0, as the reference loop)', () => {
    const x = featureBatch(1, 2, 16, 16, new Float32Array(512).fill(-0));
    for (const wavelet of ['haar', 'db4', 'sym4'] as const) {
      const got = dwt2(x, wavelet, 1, 'zero');
      const ref = dwt2Reference(x, wavelet, 1, 'zero');
      sameBits(got.LL.data, ref.LL.data, `${wavelet} LL of -0`);
      sameBits(got.details[0].HH.data, ref.details[0].HH.data, `${wavelet} HH of -0`);
      expect(
        got.LL.data.every((v) => Object.is(v, 0)),
        `${wavelet}: LL is +0 everywhere`,
      ).toBe(true);
      // the passes themselves (a -0 row output would be hidden by the column pass above)
      const f = WAVELET_FILTERS[wavelet];
      const plan = tapPlan(16, f.decLo.length, 'zero');
      const lo = new Float32Array(16 * plan.nOut).fill(7);
      const hi = new Float32Array(16 * plan.nOut).fill(7);
      rowsPass(x.data, 0, 16, 16, plan, f.decLo, f.decHi, lo, hi, 0);
      expect(
        [...lo, ...hi].every((v) => Object.is(v, 0)),
        `${wavelet}: row pass gives +0`,
      ).toBe(true);
      const cl = new Float32Array(plan.nOut * 16).fill(7);
      const ch = new Float32Array(plan.nOut * 16).fill(7);
      colsPass(x.data, 0, 16, plan, f.decLo, f.decHi, cl, ch, 0, {
        lo: new Float64Array(16),
        hi: new Float64Array(16),
      });
      expect(
        [...cl, ...ch].every((v) => Object.is(v, 0)),
        `${wavelet}: column pass gives +0`,
      ).toBe(true);
    }
  });

  it('marks only boundary-free outputs as regular', () => {
    const p = tapPlan(56, 8, 'zero'); // nOut 31; output i reads 2i+1 .. 2i-6
    expect(p.nOut).toBe(31);
    expect(
      Array.from(p.regular)
        .map((r, i) => (r ? i : -1))
        .filter((i) => i >= 0),
    ).toEqual(Array.from({ length: 25 }, (_, i) => i + 3));
    const q = tapPlan(56, 2, 'periodization');
    expect(q.regular.every((r) => r === 1)).toBe(true);
    expect(q.c).toBe(1);
  });
});

describe('separable bilinear resize is bit-identical to the per-output expression', () => {
  it('matches the reference for up-, down- and mixed resizes', () => {
    const sizes: [number, number, number, number][] = [
      [7, 7, 28, 28],
      [14, 14, 28, 28],
      [28, 28, 7, 7],
      [56, 56, 28, 28],
      [5, 9, 13, 4],
      [1, 3, 4, 1],
      [10, 10, 10, 10],
      [3, 3, 224, 224],
    ];
    let seed = 3;
    for (const [h, w, oh, ow] of sizes) {
      const src = input(seed++, 2, 3, h, w).data;
      const a = new Float32Array(6 * oh * ow);
      const b = new Float32Array(6 * oh * ow);
      resizePlanes(src, 6, h, w, a, oh, ow);
      resizePlanesReference(src, 6, h, w, b, oh, ow);
      sameBits(a, b, `${h}x${w} -> ${oh}x${ow}`);
    }
  });
});

describe('the DWT reference itself against pywt.wavedec2 (levels 1 and 2)', () => {
  interface DwtCase {
    wavelet: Wavelet;
    mode: DwtMode;
    level: number;
    seed: number;
    shape: [number, number, number];
    LL: StoredArray;
    details: { LH: StoredArray; HL: StoredArray; HH: StoredArray }[];
  }
  const { cases } = loadFixture<{ cases: DwtCase[] }>('dwt.json');
  it('matches every band of every fixture case within 1e-6, level 2 included', () => {
    expect(cases.filter((c) => c.level === 2).length).toBeGreaterThan(0);
    for (const c of cases) {
      const [ch, h, w] = c.shape;
      const ref = dwt2Reference(featureBatch(1, ch, h, w, rand(c.seed, ch * h * w)), c.wavelet, c.level, c.mode);
      const tag = `${c.wavelet} ${c.mode} J${c.level}`;
      expect([ref.LL.h, ref.LL.w], `${tag} LL shape`).toEqual(c.LL.shape.slice(-2));
      expect(maxAbsDiff(ref.LL.data, f32(c.LL)), `${tag} LL`).toBeLessThanOrEqual(1e-6);
      expect(ref.details.length, `${tag} levels`).toBe(c.details.length);
      c.details.forEach((d, j) => {
        for (const b of ['LH', 'HL', 'HH'] as const)
          expect(maxAbsDiff(ref.details[j][b].data, f32(d[b])), `${tag} level ${j + 1} ${b}`).toBeLessThanOrEqual(1e-6);
      });
    }
  });
});
