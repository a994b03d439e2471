import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { auproFromSorted, regionCodes } from '../../worker/engine/aupro.js';
import { curveFromSorted, f1FromCurve, rocAucFromCurve } from '../../worker/engine/sklearn-metrics.js';
import { mergedRankMetrics, rankMetrics } from '../../worker/engine/pixel-metrics-one-pass.js';
import { SplitSortBuffers, splitLabels, splitSortByScoreDesc } from '../../worker/engine/split-sort.js';
import { sortByScoreDesc } from '../../worker/engine/sort.js';
import { XorShift32 } from './prng.js';

/** n maps of h x w with rectangular defects in some images; scores quantised to `levels` values (ties) or not. */
function makeCase(seed: number, n: number, h: number, w: number, levels: number) {
  const rng = new XorShift32(seed);
  const u = (): number => rng.nextU32() / 4294967296;
  const masks = new Uint8Array(n * h * w);
  const scores = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 1)
      for (let r = 0; r < 1 + (i % 3); r++) {
        const y0 = Math.floor(u() * (h - 6)),
          x0 = Math.floor(u() * (w - 6));
        const hh = 2 + Math.floor(u() * 4),
          ww = 2 + Math.floor(u() * 4);
        for (let y = y0; y < y0 + hh; y++) for (let x = x0; x < x0 + ww; x++) masks[(i * h + y) * w + x] = 1;
      }
    for (let j = i * h * w; j < (i + 1) * h * w; j++) {
      const v = u() + (masks[j] ? 0.35 : 0);
      scores[j] = levels > 0 ? Math.floor(v * levels) / levels : v * 1000;
    }
  }
  return { masks, scores };
}

describe('rankMetrics (one walk) equals the separate curve / AUROC / F1 / AUPRO functions bit for bit', () => {
  for (const [name, levels, limit] of [
    ['distinct scores', 0, 0.3],
    ['heavy ties', 40, 0.3],
    ['few levels', 3, 0.3],
    ['full FPR range', 0, 1],
  ] as const) {
    it(name, () => {
      const n = 6,
        h = 20,
        w = 24;
      const { masks, scores } = makeCase(levels * 31 + 7, n, h, w, levels);
      const rc = regionCodes(masks, n, h, w);
      const sorted = sortByScoreDesc(scores, rc.codes);
      const curve = curveFromSorted(sorted);
      const f1 = f1FromCurve(curve);
      const got = rankMetrics(sorted, rc, 32, new Float64Array(scores.length), limit);
      expect(got.pixelAuroc).toBe(rocAucFromCurve(curve));
      expect(got.f1).toBe(f1.f1);
      expect(got.f1Threshold).toBe(f1.threshold);
      expect(got.aupro).toBe(auproFromSorted(sorted, rc, limit));
      // the label-split sort and its merge walk: the same four numbers, bit for bit
      const positive = Uint8Array.from(rc.codes, (c) => (c !== 0 ? 1 : 0));
      const split = splitSortByScoreDesc(
        scores,
        splitLabels(positive, rc.codes),
        new SplitSortBuffers(rc.normalPixels, scores.length - rc.normalPixels),
      );
      expect(mergedRankMetrics(split, rc, 32, new Float64Array(scores.length), limit)).toEqual(got);
      expect(got.pixelAuroc).toBeGreaterThan(0.5); // defects score higher: the metrics are not trivial
      expect(got.aupro).toBeGreaterThan(0);
    });
  }

  it('rejects a single-class input like F1 does', () => {
    const masks = new Uint8Array(2 * 16);
    const rc = regionCodes(masks, 2, 4, 4);
    const sorted = sortByScoreDesc(
      Float32Array.from({ length: 32 }, (_, i) => i),
      rc.codes,
    );
    expect(() => rankMetrics(sorted, rc, 32, new Float64Array(32))).toThrow(ShapeError);
    expect(() => rankMetrics(sorted, rc, 32, new Float64Array(32))).toThrow(/needs both positive and negative/);
  });
});
