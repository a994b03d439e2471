import { describe, expect, it } from 'vitest';
import type { TrialResult } from '../../shared/result.js';
import type { TrialParams } from '../../shared/trial.js';
import type { LeasedTrial } from '../../worker/objective-types.js';
import { MapHolds } from '../../worker/runner/map-holds.js';

const trial = (trialId: number, stage?: string): LeasedTrial => ({
  trialId,
  key: `t${trialId}`,
  leaseId: 'L',
  fencingToken: 1,
  params: {} as TrialParams, // MapHolds reads only the id, key and stage
  ...(stage === undefined ? {} : { stage }),
});
const result = (image: number, pixel: number): TrialResult => ({
  metrics: { image_auroc: image, pixel_auroc: pixel },
  artifacts: [],
  provenance: {} as TrialResult['provenance'],
  details: {},
});
const keys = (hs: { trial: LeasedTrial }[]): string[] => hs.map((h) => h.trial.key);

describe('MapHolds', () => {
  it('holds the best by image and the best by pixel AUROC, and releases the rest as soon as they drop out', () => {
    const h = new MapHolds(1);
    expect(keys(h.offer(trial(1), result(0.8, 0.8)))).toEqual([]); // best by both so far
    expect(keys(h.offer(trial(2), result(0.9, 0.7)))).toEqual([]); // new image best; 1 still the pixel best
    expect(keys(h.offer(trial(3), result(0.5, 0.6)))).toEqual(['t3']); // best by neither: reported at once
    expect(keys(h.offer(trial(4), result(0.7, 0.95)))).toEqual(['t1']); // 1 leaves its last slot
    expect(keys(h.held())).toEqual(['t2', 't4']);
  });

  it('ranks ties to the lower trial id, as the coordinator picks its winners, whatever the arrival order', () => {
    const h = new MapHolds(1);
    expect(keys(h.offer(trial(7), result(0.9, 0.9)))).toEqual([]);
    expect(keys(h.offer(trial(5), result(0.9, 0.9)))).toEqual(['t7']);
    expect(keys(h.offer(trial(6), result(0.9, 0.9)))).toEqual(['t6']);
    expect(keys(h.held())).toEqual(['t5']);
  });

  it('keeps each stage apart, holds K per metric, never holds a non-finite score, and holds nothing at K = 0', () => {
    const h = new MapHolds(2);
    h.offer(trial(1, 'a'), result(0.9, 0.9));
    h.offer(trial(2, 'b'), result(0.1, 0.1)); // the worst, but alone in stage b
    h.offer(trial(3, 'a'), result(0.8, 0.8));
    expect(keys(h.offer(trial(4, 'a'), result(0.7, 0.7)))).toEqual(['t4']); // a is full with 1 and 3
    expect(keys(h.offer(trial(5, 'a'), result(Number.NaN, Number.NaN)))).toEqual(['t5']);
    expect(keys(h.held())).toEqual(['t1', 't2', 't3']);
    expect(keys(new MapHolds(0).offer(trial(1), result(1, 1)))).toEqual(['t1']);
  });

  it("leases that each hold their own best leave no class winner without maps (the coordinator's rule)", () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      // coarse scores, so ties are common; 3 stages; trials dealt to leases of 1-12 in shuffled order
      const all = Array.from({ length: 60 }, (_, i) => ({
        t: trial(i + 1, ['p1', 'p2', 'p3'][Math.floor(rand() * 3)]),
        r: result(Math.round(rand() * 8) / 8, Math.round(rand() * 8) / 8),
      }));
      const shuffled = [...all].sort(() => rand() - 0.5);
      const held = new Set<string>();
      for (let i = 0; i < shuffled.length;) {
        const n = 1 + Math.floor(rand() * 12);
        const lease = new MapHolds(1);
        for (const x of shuffled.slice(i, i + n)) lease.offer(x.t, x.r);
        for (const k of keys(lease.held())) held.add(k);
        i += n;
      }
      for (const stage of ['p1', 'p2', 'p3'])
        for (const metric of ['image_auroc', 'pixel_auroc']) {
          const ranked = all
            .filter((x) => x.t.stage === stage)
            .sort((a, b) => b.r.metrics[metric] - a.r.metrics[metric] || a.t.trialId - b.t.trialId);
          if (ranked.length) expect(held.has(ranked[0].t.key), `${stage} ${metric} round ${round}`).toBe(true);
        }
    }
  });
});
