/**
 * The multi-chain Cholesky and the four-at-a-time forward solves give the same bits as the one-chain loops they
 * replaced (kept here as the reference): each entry's subtraction chain runs in the same order from the same start.
 */
import { describe, expect, it } from 'vitest';
import { factorWoodbury, scoreWoodbury } from '../../worker/engine/gaussian.js';
import { choleskyShifted, forwardSolveSquaredNorm } from '../../worker/engine/linalg.js';
import { rand } from './prng.js';

function choleskyReference(a: Float64Array, aOff: number, n: number, shift: number, l: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[aOff + ri + j];
      if (i === j) s += shift;
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) l[ri + j] = 0;
  }
  return true;
}

/** A Gram matrix X X^T of n random rows of length d (rank min(n, d)). */
function gram(seed: number, n: number, d: number): Float64Array {
  const x = rand(seed, n * d);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
      g[i * n + j] = s;
    }
  return g;
}

const bits = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('multi-chain Cholesky and forward solves', () => {
  it('factor the same bits as the one-chain loop, for every n mod 4, full rank or not', () => {
    for (const [n, d] of [
      [1, 3],
      [2, 5],
      [3, 2],
      [4, 9],
      [5, 5],
      [7, 30],
      [8, 3],
      [13, 40],
      [64, 20],
      [130, 200],
    ]) {
      const g = gram(n * 31 + d, n, d);
      for (const shift of [1e-6 * n, 0.1 * n, 0]) {
        const a = new Float64Array(n * n);
        const b = new Float64Array(n * n);
        const okA = choleskyShifted(g, 0, n, shift, a);
        const okB = choleskyReference(g, 0, n, shift, b);
        expect(okA, `n ${n} d ${d} shift ${shift}`).toBe(okB);
        if (okB) expect(bits(a), `n ${n} d ${d} shift ${shift}`).toEqual(bits(b));
      }
    }
  });

  it('score Woodbury distances with the same bits as solving one test image at a time', () => {
    for (const [n, t, p] of [
      [9, 1, 2],
      [10, 6, 3],
      [33, 13, 2],
      [64, 4, 1],
    ]) {
      const g = new Float64Array(p * n * n);
      for (let q = 0; q < p; q++) g.set(gram(q + n, n, 2 * n), q * n * n);
      const f = factorWoodbury(g, n, p, 0.01);
      const cross = Float64Array.from(rand(n + t, p * t * n), (v) => v * 3);
      const sqn = Float64Array.from(rand(t + 7, p * t), (v) => 100 + v);
      const ref = new Float64Array(t * p);
      const row = new Float64Array(n);
      for (let q = 0; q < p; q++) {
        for (let r = 0; r < t; r++) {
          row.set(cross.subarray((q * t + r) * n, (q * t + r + 1) * n));
          ref[r * p + q] =
            (sqn[q * t + r] - forwardSolveSquaredNorm(f.chol.subarray(q * n * n), n, row, 0)) / f.lambda[q];
        }
      }
      expect(bits(scoreWoodbury(f, cross, sqn, t)), `n ${n} t ${t}`).toEqual(bits(ref));
    }
  });
});
