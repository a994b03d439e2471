import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { makeSweep, seedResults, type SeededTrial } from '../store/seed.js';
import { expectedBestPerClass, expectedRanking } from './expected.js';
import type { SubmittableSweep } from '../../coordinator/store/types.js';

const classes = ['bottle', 'cable', 'screw'];
const M = ['image_auroc', 'sel.image_auroc', 'rep.image_auroc', 'pixel_auroc'];
let store: SweepStore;
let db: Db;
let sweep: SubmittableSweep;
let seeded: SeededTrial[];

beforeAll(() => {
  db = openDatabase(':memory:');
  store = new SweepStore(db);
  sweep = makeSweep('honest', {
    classes,
    wavelet: ['haar', 'db4', 'sym4'],
    sigma: [2, 4],
    selection: { holdout: 0.5, seed: 7 },
  });
  seeded = seedResults(db, store.submit(sweep).sweepId, M, 1234);
});
afterAll(() => store.close());

describe('honest selection', () => {
  it('reports the rep score of the point chosen on sel, beside the optimistic best', () => {
    const lb = buildLeaderboard(store.reads, { sweep: 'honest', metric: 'image_auroc', mode: 'mean' });
    const h = lb.honest!;
    expect(h.selMetric).toBe('sel.image_auroc');
    const selWin = expectedRanking(sweep.trials, seeded, 'sel.image_auroc')[0];
    expect(h.mean.params).toEqual(selWin.point);
    expect(h.mean.selMean).toBeCloseTo(selWin.sumMilli / 3000, 12);
    const winTrials = seeded.filter((t) => t.point === JSON.stringify(selWin.point));
    expect(winTrials).toHaveLength(3);
    const repMean = winTrials.reduce((a, t) => a + t.metrics['rep.image_auroc'], 0) / 3;
    expect(h.mean.repMean).toBeCloseTo(repMean, 12);
    const opt = expectedRanking(sweep.trials, seeded, 'image_auroc')[0];
    expect(h.mean.optimisticMean).toBeCloseTo(opt.sumMilli / 3000, 12);
    // the two selections are different points for this seed, so the check is not vacuous
    expect(opt.point).not.toEqual(selWin.point);
  });

  it('per class: the rep score of each class winner on sel, and the class optimum', () => {
    const h = buildLeaderboard(store.reads, { sweep: 'honest', metric: 'image_auroc', mode: 'per-class' }).honest!;
    const bySel = expectedBestPerClass(seeded, 'sel.image_auroc');
    const byOpt = expectedBestPerClass(seeded, 'image_auroc');
    expect(h.perClass.map((r) => r.class)).toEqual(classes);
    for (const r of h.perClass) {
      const w = bySel.get(r.class)!;
      expect([r.trialId, r.sel, r.rep]).toEqual([w.id, w.metrics['sel.image_auroc'], w.metrics['rep.image_auroc']]);
      expect(r.optimistic).toBe(byOpt.get(r.class)!.metrics.image_auroc);
    }
    const rep = classes.reduce((a, c) => a + bySel.get(c)!.metrics['rep.image_auroc'], 0) / 3;
    expect(h.perClassRepMean).toBeCloseTo(rep, 12);
  });

  it('is absent when no trial used honest selection', () => {
    const lb = buildLeaderboard(store.reads, { sweep: 'honest', metric: 'pixel_auroc', mode: 'mean' });
    expect(lb.honest).toBeNull();
  });
});
