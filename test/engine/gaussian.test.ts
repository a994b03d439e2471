import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { featureBatch } from '../../worker/engine/feature-batch.js';
import {
  factorWoodbury,
  fitGaussianDirect,
  fitGaussianWoodbury,
  mahalanobis,
  NumericalError,
} from '../../worker/engine/gaussian.js';
import { f64, loadFixture, maxRelDiff, type StoredArray } from './fixtures.js';
import { rand } from './prng.js';

interface GCase {
  D: number;
  N: number;
  T: number;
  P: number;
  cov_reg: number;
  train_seed: number;
  test_seed: number;
  dist: StoredArray;
}

/** u + 3 * a[n, p] * v[d] in float32 ops, as correlated() in the fixture script. */
function correlated(seed: number, n: number, d: number, p: number): Float32Array {
  const u = rand(seed, n * d * p);
  const a = rand(seed + 7777, n * p);
  const v = rand(seed + 8888, d);
  const f = Math.fround;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++)
      for (let q = 0; q < p; q++) {
        const j = (i * d + k) * p + q;
        u[j] = f(u[j] + f(f(3 * a[i * p + q]) * v[k]));
      }
  return u;
}

/** Fixture layout (N, D, P) is exactly FeatureBatch (n, c, h=1, w=P). */
function batches(c: GCase) {
  return {
    train: featureBatch(c.N, c.D, 1, c.P, correlated(c.train_seed, c.N, c.D, c.P)),
    test: featureBatch(c.T, c.D, 1, c.P, correlated(c.test_seed, c.T, c.D, c.P)),
  };
}

describe('Gaussian model against a float64 numpy direct inverse', () => {
  const { cases } = loadFixture<{ cases: GCase[] }>('gaussian.json');
  it('Woodbury distances are within 1e-6 relative for D 16..2240, N 10..400', () => {
    for (const c of cases) {
      const { train, test } = batches(c);
      const d = mahalanobis(fitGaussianWoodbury(train, c.cov_reg), test);
      expect(maxRelDiff(d, f64(c.dist)), `D=${c.D} N=${c.N} cov=${c.cov_reg}`).toBeLessThanOrEqual(1e-6);
    }
  });
  it('direct D x D distances are within 1e-6 relative (cases with D <= 300)', () => {
    for (const c of cases.filter((x) => x.D <= 300)) {
      const { train, test } = batches(c);
      const d = mahalanobis(fitGaussianDirect(train, c.cov_reg), test);
      expect(maxRelDiff(d, f64(c.dist)), `D=${c.D} N=${c.N}`).toBeLessThanOrEqual(1e-6);
    }
  });
  it('Woodbury and direct agree to float64 rounding (1e-9 relative) where both apply', () => {
    const train = featureBatch(20, 48, 1, 3, rand(9, 20 * 48 * 3));
    const test = featureBatch(5, 48, 1, 3, rand(10, 5 * 48 * 3));
    for (const cov of [0.1, 0.01, 0.001, 0]) {
      const a = mahalanobis(fitGaussianWoodbury(train, cov), test);
      const b = mahalanobis(fitGaussianDirect(train, cov), test);
      expect(maxRelDiff(a, b)).toBeLessThanOrEqual(1e-9);
    }
  });
  it('a different cov_reg gives different distances (the ridge is really applied)', () => {
    const c = cases[0];
    const { train, test } = batches(c);
    const d = mahalanobis(fitGaussianWoodbury(train, c.cov_reg * 2), test);
    expect(maxRelDiff(d, f64(c.dist))).toBeGreaterThan(1e-3);
  });
  it('rejects N < 2 and mismatched test features with the sizes', () => {
    expect(() => fitGaussianWoodbury(featureBatch(1, 4, 1, 1), 0.01)).toThrow(ShapeError);
    expect(() => fitGaussianDirect(featureBatch(1, 4, 1, 1), 0.01)).toThrow(/N=1/);
    const m = fitGaussianWoodbury(featureBatch(3, 4, 1, 2, rand(1, 24)), 0.01);
    expect(() => mahalanobis(m, featureBatch(2, 5, 1, 2))).toThrow(/testC=5, modelD=4/);
  });
});

describe('jitter escalation (spec 6)', () => {
  it('multiplies the jitter by 10 until the Cholesky succeeds, and records the effective ridge', () => {
    // G + 2*lambda*I is positive definite only for lambda > 7.5e-5: the third attempt (1e-4) succeeds
    const gram = Float64Array.from([-1.5e-4, 0, 0, 1]);
    const f = factorWoodbury(gram, 2, 1, 0);
    expect(f.lambda[0]).toBeCloseTo(1e-4, 12);
    const g2 = factorWoodbury(Float64Array.from([1, 0, 0, 1]), 2, 1, 0.01);
    expect(g2.lambda[0]).toBe(0.01 + 1e-6);
  });
  it('throws NumericalError when every attempt up to 1e-2 fails', () => {
    expect(() => factorWoodbury(Float64Array.from([-1, 0, 0, 1]), 2, 1, 0)).toThrow(NumericalError);
  });
});
