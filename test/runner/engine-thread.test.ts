import { describe, expect, it } from 'vitest';
import * as engine from '../../worker/engine/index.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import { seededRandom } from '../../worker/runner/holdout.js';
import { ThreadedEngine, threadError, toShared } from '../../worker/runner/engine-thread.js';
import { failure } from '../../worker/runner/failure.js';

function taps(n: number, seed: number, shift = 0): FeatureBatch[] {
  const r = seededRandom(seed);
  return [
    [64, 56],
    [128, 28],
    [256, 14],
  ].map(([c, s]) => {
    const b = featureBatch(n, c, s, s);
    for (let i = 0; i < b.data.length; i++)
      b.data[i] = r() + (shift && i >= b.data.length / 2 && i % 7 === 0 ? shift : 0);
    return b;
  });
}

const truth = () => {
  const n = 4;
  const masks = new Uint8Array(n * 224 * 224);
  masks.fill(1, 2 * 224 * 224 + 100 * 224, 2 * 224 * 224 + 120 * 224);
  masks.fill(1, 3 * 224 * 224, 3 * 224 * 224 + 30 * 224);
  return { labels: Uint8Array.from([0, 0, 1, 1]), masks, defects: ['good', 'good', 'crack', 'hole'] };
};

describe('ThreadedEngine', () => {
  it('gives exactly the direct engine outcomes, streams variants, and keeps the event loop free', async () => {
    const features = { train: taps(6, 1), test: taps(4, 2, 3) };
    const t = truth();
    const dwt = { wavelet: 'haar', level: 1, mode: 'zero', align: 'down' } as const;
    const variants = [2, 4].map((sigma) => ({
      subbands: ['LL', 'LH', 'HL'] as ('LL' | 'LH' | 'HL')[],
      cov_reg: 0.01,
      sigma,
      distance: 'squared' as const,
      smoothing: 'reference' as const,
    }));
    const subsets = [{ name: 's', indices: Uint32Array.from([0, 2]) }];
    const direct = engine.evaluateDwtGroup(features, t, dwt, variants, { subsets, keepMaps: (i) => i === 1 });
    const th = new ThreadedEngine();
    // the event loop turns while the engine works: an engine that computed on this thread would resolve in a
    // microtask before any immediate (a 5 ms timer, unlike setImmediate, may not come due on a loaded machine)
    let turned = false;
    const immediate = setImmediate(() => (turned = true));
    const seen: number[] = [];
    try {
      const out = await th.evaluateDwtGroup(features, t, dwt, variants, {
        subsets,
        keepMaps: (i) => i === 1,
        onVariantDone: (i) => seen.push(i),
      });
      expect(out.outcomes.map((o) => o.metrics)).toEqual(direct.outcomes.map((o) => o.metrics));
      expect(Array.from(out.outcomes[0].imageScores)).toEqual(Array.from(direct.outcomes[0].imageScores));
      expect(out.outcomes[0].maps).toBeNull();
      expect(out.outcomes[1].maps?.length).toBe(4 * 224 * 224);
      expect(Array.from(out.outcomes[1].maps!.subarray(0, 5000))).toEqual(
        Array.from(direct.outcomes[1].maps!.subarray(0, 5000)),
      );
      expect(seen.sort()).toEqual([0, 1]);
      expect(turned).toBe(true);
    } finally {
      clearImmediate(immediate);
      th.dispose();
    }
  }, 300_000);

  it('rejects with the engine error class kept by name (final, not retried)', async () => {
    const th = new ThreadedEngine();
    try {
      const bad = { train: taps(1, 1), test: taps(4, 2) }; // N = 1 train image: the method is undefined
      const err = await th
        .evaluateDwtGroup(bad, truth(), { wavelet: 'haar', level: 1, mode: 'zero', align: 'down' }, [
          { subbands: ['LL'], cov_reg: 0.01, sigma: 4, distance: 'squared', smoothing: 'reference' },
        ])
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Error);
      expect(failure(err)).toMatchObject({ ok: false, retryable: false });
    } finally {
      th.dispose();
    }
  }, 300_000);

  it('helpers: shared copies and error names', () => {
    const a = Float32Array.from([1, 2, 3]);
    const s = toShared(a);
    expect(s.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(s)).toEqual([1, 2, 3]);
    expect(toShared(s)).toBe(s);
    expect(failure(threadError('NumericalError', 'covariance not positive definite'))).toMatchObject({
      retryable: false,
    });
    expect(failure(threadError('RangeError', 'Array buffer allocation failed'))).toMatchObject({ retryable: true });
  });
});
