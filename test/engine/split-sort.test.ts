import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { keyToFloat } from '../../worker/engine/sort.js';
import { SplitSortBuffers, splitLabels, splitSortByScoreDesc } from '../../worker/engine/split-sort.js';
import { XorShift32 } from './prng.js';

/** Reference: stable order of indices by descending score (-0 ties +0). */
function referenceOrder(scores: Float32Array): number[] {
  return Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

function makeCase(kind: string, n: number, seed: number): { scores: Float32Array; positive: Uint8Array } {
  const rng = new XorShift32(seed);
  const u = (): number => rng.nextU32() / 4294967296;
  const scores = new Float32Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    positive[i] = u() < 0.07 ? 1 : 0;
    const v = u() + 0.3 * positive[i];
    if (kind === 'ties')
      scores[i] = Math.floor(v * 50) / 50; // many groups mix positives and negatives
    else if (kind === 'smooth')
      scores[i] = 5 + 40 * v * v; // ~25 bits: two passes
    else scores[i] = (v - 0.6) * 10 ** Math.floor(u() * 40 - 20); // both signs, wide exponents
  }
  if (kind === 'wide') scores.set([0, -0, Infinity, -Infinity, 3.4e38, -3.4e38], 0);
  return { scores, positive };
}

describe('splitSortByScoreDesc (normal pixels as bare keys, anomalous ones with payloads)', () => {
  for (const [kind, n] of [
    ['ties', 3000],
    ['smooth', 5000],
    ['wide', 5000],
    ['smooth', 80000],
    ['wide', 80000],
  ] as const) {
    it(`${kind}, ${n} scores: both runs in the order of a stable sort of all, keys mapping back to the scores`, () => {
      const { scores, positive } = makeCase(kind, n, n + kind.length);
      const positives = positive.reduce((a, v) => a + v, 0);
      const labels = splitLabels(
        positive,
        Uint32Array.from(scores, (_, i) => i * 7 + 3),
      );
      expect(labels.negatives).toBe(n - positives);
      const buf = new SplitSortBuffers(n - positives, positives);
      let max = -Infinity;
      let min = Infinity;
      for (const v of scores) [max, min] = [Math.max(max, v), Math.min(min, v)];
      for (let rep = 0; rep < 2; rep++) {
        // the range is found by the sort itself, or given by the caller
        const got = splitSortByScoreDesc(scores, labels, buf, rep === 0 ? undefined : { min, max });
        const order = referenceOrder(scores);
        const wantNeg = order.filter((i) => !positive[i]);
        const wantPos = order.filter((i) => positive[i]);
        expect(Array.from(got.posPayload)).toEqual(wantPos.map((i) => i * 7 + 3));
        const back = (k: number): number => keyToFloat(k ^ -0x80000000);
        expect(Array.from(got.neg, back)).toEqual(wantNeg.map((i) => (scores[i] === 0 ? 0 : scores[i])));
        expect(Array.from(got.pos, back)).toEqual(wantPos.map((i) => (scores[i] === 0 ? 0 : scores[i])));
        for (let i = 1; i < got.neg.length; i++) expect(got.neg[i] >= got.neg[i - 1]).toBe(true); // int32 ascending
      }
    });
  }

  it('handles all-equal scores (no radix pass)', () => {
    const scores = new Float32Array(8).fill(-1.5);
    const positive = Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 0]);
    const got = splitSortByScoreDesc(
      scores,
      splitLabels(
        positive,
        Uint32Array.from(scores, (_, i) => i * 11),
      ),
      new SplitSortBuffers(6, 2),
    );
    expect(Array.from(got.posPayload)).toEqual([11, 44]);
    expect(Array.from(got.neg, (k) => keyToFloat(k ^ -0x80000000))).toEqual(new Array(6).fill(-1.5));
  });

  it('rejects NaN with its index, and labels or buffers that do not match', () => {
    const scores = Float32Array.from([1, 2, Number.NaN, 4]);
    const positive = Uint8Array.from([0, 1, 0, 0]);
    const labels = splitLabels(positive, new Uint32Array(4));
    expect(() => splitSortByScoreDesc(scores, labels, new SplitSortBuffers(3, 1))).toThrow(/NaN in scores \(index=2/);
    const ok = Float32Array.from([1, 2, 3, 4]);
    expect(() => splitSortByScoreDesc(ok, labels, new SplitSortBuffers(2, 2))).toThrow(ShapeError);
    expect(() => splitSortByScoreDesc(Float32Array.from([1, 2, 3]), labels, new SplitSortBuffers(3, 1))).toThrow(
      /labels and scores differ/,
    );
    expect(() => splitLabels(positive, new Uint32Array(3))).toThrow(/payload and labels differ/);
  });

  it('finds the runs of negatives between positives', () => {
    const l = splitLabels(Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 0]), Uint32Array.from([5, 6, 7, 8, 9, 10, 11, 12]));
    expect(Array.from(l.negRuns)).toEqual([1, 3, 5, 6, 7, 8]);
    expect(Array.from(l.posIndex)).toEqual([0, 3, 4, 6]);
    expect(Array.from(l.posPayload)).toEqual([5, 8, 9, 11]);
    expect(Array.from(splitLabels(Uint8Array.from([0, 0]), new Uint32Array(2)).negRuns)).toEqual([0, 2]);
  });
});
