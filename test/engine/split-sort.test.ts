import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { keyToFloat } from '../../worker/engine/sort.js';
import { SplitSortBuffers, splitSortByScoreDesc } from '../../worker/engine/split-sort.js';
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
    if (kind === 'ties') scores[i] = Math.floor(v * 50) / 50; // many groups mix positives and negatives
    else if (kind === 'smooth') scores[i] = 5 + 40 * v * v; // ~25 bits: two passes
    else scores[i] = (v - 0.6) * 10 ** Math.floor(u() * 40 - 20); // both signs, wide exponents
  }
  if (kind === 'wide') scores.set([0, -0, Infinity, -Infinity, 3.4e38, -3.4e38], 0);
  return { scores, positive };
}

describe('splitSortByScoreDesc (normal pixels as bare keys, anomalous ones with payloads)', () => {
  for (const [kind, n] of [['ties', 3000], ['smooth', 5000], ['wide', 5000], ['smooth', 80000], ['wide', 80000]] as const) {
    it(`${kind}, ${n} scores: both runs in the order of a stable sort of all, keys mapping back to the scores`, () => {
      const { scores, positive } = makeCase(kind, n, n + kind.length);
      const positives = positive.reduce((a, v) => a + v, 0);
      const posPayload = new Uint32Array(positives);
      for (let i = 0, p = 0; i < n; i++) if (positive[i]) posPayload[p++] = i * 7 + 3;
      const buf = new SplitSortBuffers(n - positives, positives);
      for (let rep = 0; rep < 2; rep++) {
        const got = splitSortByScoreDesc(scores, positive, posPayload, buf);
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
    const got = splitSortByScoreDesc(scores, positive, Uint32Array.from([11, 22]), new SplitSortBuffers(6, 2));
    expect(Array.from(got.posPayload)).toEqual([11, 22]);
    expect(Array.from(got.neg, (k) => keyToFloat(k ^ -0x80000000))).toEqual(new Array(6).fill(-1.5));
  });

  it('rejects NaN with its index, and labels or buffers that do not match', () => {
    const scores = Float32Array.from([1, 2, Number.NaN, 4]);
    const positive = Uint8Array.from([0, 1, 0, 0]);
    expect(() => splitSortByScoreDesc(scores, positive, Uint32Array.from([1]), new SplitSortBuffers(3, 1))).toThrow(/NaN in scores \(index=2/);
    const ok = Float32Array.from([1, 2, 3, 4]);
    expect(() => splitSortByScoreDesc(ok, positive, Uint32Array.from([1]), new SplitSortBuffers(2, 2))).toThrow(ShapeError);
    expect(() => splitSortByScoreDesc(ok, Uint8Array.from([1, 1, 0, 0]), Uint32Array.from([1]), new SplitSortBuffers(3, 1))).toThrow(/labels do not match/);
  });
});
