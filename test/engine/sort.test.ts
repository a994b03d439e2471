import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { SortBuffers, sortByScoreDesc } from '../../worker/engine/sort.js';
import { XorShift32 } from './prng.js';

/** Reference: stable sort of indices by descending score (-0 ties +0), with a JS comparator. */
function referenceOrder(scores: Float32Array): number[] {
  const idx = Array.from(scores, (_, i) => i);
  return idx.sort((a, b) => scores[b] - scores[a] || a - b);
}

function scoresWithRange(kind: string, n: number, rng: XorShift32): Float32Array {
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextU32() / 4294967296;
    if (kind === 'narrow')
      s[i] = 1000 + Math.floor(u * 300) / 64; // few bits, many ties: one pass
    else if (kind === 'smooth')
      s[i] = 5000 + 1e5 * u * u; // ~25 bits: two passes
    else s[i] = (u - 0.5) * 10 ** Math.floor((rng.nextU32() / 4294967296) * 60 - 30); // both signs, every exponent: three passes
  }
  if (kind === 'wide') s.set([0, -0, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, -1e-45], 0);
  return s;
}

describe('sortByScoreDesc (adaptive LSD radix)', () => {
  for (const kind of ['narrow', 'smooth', 'wide']) {
    it(`orders ${kind} scores like a stable comparator sort, with and without reused buffers`, () => {
      const rng = new XorShift32(kind.length * 7919);
      const buf = new SortBuffers(5000);
      for (let rep = 0; rep < 3; rep++) {
        const scores = scoresWithRange(kind, 5000, rng);
        const payload = Uint32Array.from(scores, (_, i) => i * 3 + 1);
        const want = referenceOrder(scores).map((i) => i * 3 + 1);
        const fresh = sortByScoreDesc(scores, payload);
        const reused = sortByScoreDesc(scores, payload, buf);
        expect(Array.from(fresh.payload)).toEqual(want);
        expect(Array.from(reused.payload)).toEqual(want);
        expect(Array.from(reused.keys)).toEqual(Array.from(fresh.keys));
        // keys descend in score: non-decreasing as unsigned
        for (let i = 1; i < 5000; i++) expect(reused.keys[i] >>> 0 >= reused.keys[i - 1] >>> 0).toBe(true);
        expect(Array.from(payload.subarray(0, 3))).toEqual([1, 4, 7]); // the caller's payload is not touched
      }
    });
  }

  it('sorts 70000 keys (16-bit digits) of a wide and a smooth range like the comparator', () => {
    const rng = new XorShift32(99);
    for (const kind of ['wide', 'smooth']) {
      const scores = scoresWithRange(kind, 70000, rng);
      const payload = Uint32Array.from(scores, (_, i) => i);
      const got = sortByScoreDesc(scores, payload, new SortBuffers(70000)).payload;
      expect(Array.from(got)).toEqual(referenceOrder(scores));
    }
  });

  it('handles all-equal scores (no pass) and empty input', () => {
    const s = new Float32Array(10).fill(2.5);
    const out = sortByScoreDesc(
      s,
      Uint32Array.from(s, (_, i) => 9 - i),
      new SortBuffers(10),
    );
    expect(Array.from(out.payload)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(sortByScoreDesc(new Float32Array(0), new Uint32Array(0)).payload.length).toBe(0);
  });

  it('rejects NaN naming its index, and buffers of another length', () => {
    const s = Float32Array.from([1, 2, 3, Number.NaN, 5]);
    expect(() => sortByScoreDesc(s, new Uint32Array(5))).toThrow(ShapeError);
    expect(() => sortByScoreDesc(s, new Uint32Array(5))).toThrow(/NaN in scores/);
    try {
      sortByScoreDesc(s, new Uint32Array(5));
    } catch (e) {
      expect((e as ShapeError).sizes).toMatchObject({ index: 3 });
    }
    expect(() => sortByScoreDesc(new Float32Array(4), new Uint32Array(4), new SortBuffers(5))).toThrow(/sort buffers/);
  });
});
