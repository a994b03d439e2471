import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { parseFilters } from '../../coordinator/report/filters.js';
import { makeSweep, seedResults, type SeededTrial } from '../store/seed.js';
import { expectedBestPerClass, expectedRanking } from './expected.js';
import type { SubmittableSweep } from '../../coordinator/store/types.js';
import { trialKey } from '../../shared/trial.js';

const classes = ['bottle', 'cable', 'screw', 'wood'];
let store: SweepStore;
let db: Db;
let sweep: SubmittableSweep;
let seeded: SeededTrial[];
const SKIPPED = new Set([5, 22]); // trials left pending: their points are incomplete

beforeAll(() => {
  db = openDatabase(':memory:');
  store = new SweepStore(db);
  sweep = makeSweep('lb', { classes, wavelet: ['haar', 'db4'], sigma: [2, 4], cov_reg: [0.1, 0.01] });
  const { sweepId } = store.submit(sweep);
  seeded = seedResults(db, sweepId, ['image_auroc', 'pixel_auroc'], 42, (i) => SKIPPED.has(i));
});
afterAll(() => store.close());

describe('leaderboard, class mean per grid point', () => {
  it('ranks every point as computed by hand, incomplete points last', () => {
    for (const metric of ['image_auroc', 'pixel_auroc']) {
      const lb = buildLeaderboard(store.reads, { sweep: 'lb', metric, mode: 'mean', top: 100 });
      const exp = expectedRanking(sweep.trials, seeded, metric);
      expect(lb.totalPoints).toBe(8);
      expect(lb.completePoints).toBe(6);
      expect(lb.points.map((p) => p.params)).toEqual(exp.map((e) => e.point));
      lb.points.forEach((p, i) => {
        expect(p.mean).toBeCloseTo(exp[i].sumMilli / exp[i].n / 1000, 12);
        expect([p.classes, p.trials, p.firstTrialId]).toEqual([exp[i].n, exp[i].trials, exp[i].firstId]);
      });
      expect(lb.points.slice(-2).every((p) => !p.complete && p.classes === 3)).toBe(true);
      expect(lb.varying).toEqual(['wavelet', 'sigma', 'cov_reg']);
    }
  });

  it('top-k, --complete and filters', () => {
    const top3 = buildLeaderboard(store.reads, { sweep: 'lb', metric: 'image_auroc', mode: 'mean', top: 3 });
    expect(top3.points.map((p) => p.rank)).toEqual([1, 2, 3]);
    const complete = buildLeaderboard(store.reads, {
      sweep: 'lb',
      metric: 'image_auroc',
      mode: 'mean',
      top: 100,
      completeOnly: true,
    });
    expect(complete.points).toHaveLength(6);
    const filters = parseFilters(['wavelet=db4', 'sigma=2,4', 'class=bottle,screw']);
    const f = buildLeaderboard(store.reads, { sweep: 'lb', metric: 'image_auroc', mode: 'mean', top: 100, filters });
    const keep = (s: { params: { wavelet: string; class: string } }): boolean =>
      s.params.wavelet === 'db4' && ['bottle', 'screw'].includes(s.params.class);
    const exp = expectedRanking(sweep.trials, seeded, 'image_auroc', keep);
    expect(f.points.map((p) => p.params)).toEqual(exp.map((e) => e.point));
    expect(f.points.every((p) => p.params.wavelet === 'db4' && p.trials === 2)).toBe(true);
    expect(f.varying).toEqual(['sigma', 'cov_reg']);
    expect(
      buildLeaderboard(store.reads, {
        sweep: 'lb',
        metric: 'image_auroc',
        mode: 'mean',
        filters: parseFilters(['sigma=3']),
      }).points,
    ).toEqual([]);
  });

  it('marginal means per parameter equal the mean of point means', () => {
    const lb = buildLeaderboard(store.reads, { sweep: 'lb', metric: 'image_auroc', mode: 'mean' });
    const exp = expectedRanking(sweep.trials, seeded, 'image_auroc');
    for (const w of ['haar', 'db4']) {
      const pts = exp.filter((e) => e.point.wavelet === w);
      const mean = pts.reduce((a, e) => a + e.sumMilli / e.n / 1000, 0) / pts.length;
      const m = lb.marginals.find((x) => x.param === 'wavelet' && x.value === w);
      expect(m?.points).toBe(4);
      expect(m?.mean).toBeCloseTo(mean, 12);
    }
    expect(lb.marginals.filter((m) => m.param === 'sigma').map((m) => m.points)).toEqual([4, 4]);
  });

  it('rejects an unknown metric, listing the recorded ones', () => {
    expect(() => buildLeaderboard(store.reads, { sweep: 'lb', metric: 'aupro', mode: 'mean' })).toThrow(
      /recorded: .*image_auroc/,
    );
    expect(() => parseFilters(['colour=red'])).toThrow(/unknown parameter 'colour'/);
    expect(() => parseFilters(['sigma=big'])).toThrow(/sigma takes numbers/);
  });
});

describe('leaderboard, best per class', () => {
  it('picks each class maximum (first trial on ties) and averages them', () => {
    const lb = buildLeaderboard(store.reads, { sweep: 'lb', metric: 'image_auroc', mode: 'per-class', top: 2 });
    const best = expectedBestPerClass(seeded, 'image_auroc');
    const firsts = lb.perClass!.entries.filter((e) => e.rank === 1);
    expect(firsts.map((e) => e.class)).toEqual(classes);
    for (const e of firsts) {
      expect(e.trialId).toBe(best.get(e.class)!.id);
      expect(e.value).toBe(best.get(e.class)!.metrics.image_auroc);
    }
    expect(lb.perClass!.entries).toHaveLength(8);
    const mean = [...best.values()].reduce((a, t) => a + t.metrics.image_auroc, 0) / best.size;
    expect(lb.perClass!.meanOfBest).toBeCloseTo(mean, 12);
    for (const c of classes) {
      const [a, b] = lb.perClass!.entries.filter((e) => e.class === c);
      expect(a.value >= b.value).toBe(true);
    }
  });
});

describe('ties', () => {
  it('first point in expansion order wins an exact tie, in mean and per class', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    const sw = makeSweep('tie', { classes: ['a', 'b'], sigma: [2, 4, 6] });
    s.submit(sw);
    // point sigma=2: 0.8, 0.9 (mean 0.85); sigma=4: 0.9, 0.8 (0.85); sigma=6: 0.7, 0.9 (0.8)
    const vals = [0.8, 0.9, 0.9, 0.8, 0.7, 0.9];
    const ins = sdb.prepare(
      `INSERT INTO metrics (trial_id, name, value, time, final) VALUES (?, 'image_auroc', ?, 0, 1)`,
    );
    vals.forEach((v, i) => ins.run(i + 1, v));
    const lb = buildLeaderboard(s.reads, { sweep: 'tie', metric: 'image_auroc', mode: 'mean' });
    expect(lb.points.map((p) => p.params.sigma)).toEqual([2, 4, 6]);
    const pc = buildLeaderboard(s.reads, { sweep: 'tie', metric: 'image_auroc', mode: 'per-class' });
    // class b: 0.9 at sigma=2 (trial 2) and sigma=6 (trial 6): trial 2 wins
    expect(pc.perClass!.entries.map((e) => [e.class, e.trialId, e.value])).toEqual([
      ['a', 3, 0.9],
      ['b', 2, 0.9],
    ]);
    s.close();
  });
});

describe('several dataset roots', () => {
  it('refuses to merge same-named classes of different roots, and accepts a root filter', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    const a = makeSweep('roots', { classes: ['bottle'], sigma: [2, 4] });
    const b = makeSweep('roots', { classes: ['bottle'], sigma: [2, 4] });
    b.trials = b.trials.map((t) => {
      const params = { ...t.params, root: '/data/other' };
      return { ...t, key: trialKey(params), params };
    });
    const { sweepId } = s.submit({ ...a, trials: [...a.trials, ...b.trials] });
    seedResults(sdb, sweepId, ['image_auroc'], 3);
    expect(buildLeaderboard(s.reads, { sweep: 'roots', metric: 'image_auroc', mode: 'mean' }).points).toHaveLength(4);
    expect(() => buildLeaderboard(s.reads, { sweep: 'roots', metric: 'image_auroc', mode: 'per-class' })).toThrow(
      /class "bottle" exists under several dataset roots/,
    );
    const one = buildLeaderboard(s.reads, {
      sweep: 'roots',
      metric: 'image_auroc',
      mode: 'per-class',
      filters: parseFilters(['root=/data/other']),
    });
    expect(one.perClass!.entries).toHaveLength(1);
    expect(one.perClass!.entries[0].params.root).toBe('/data/other');
    s.close();
  });
});

describe('metrics beside the ranking one', () => {
  it('class means per point and values per trial of the --also metrics', () => {
    const lb = buildLeaderboard(store.reads, {
      sweep: 'lb',
      metric: 'image_auroc',
      mode: 'mean',
      top: 100,
      also: ['pixel_auroc', 'image_auroc'],
    });
    for (const p of lb.points) {
      const ts = seeded.filter((t) => t.point === JSON.stringify(p.params));
      expect(Object.keys(p.also)).toEqual(['pixel_auroc']);
      expect(p.also.pixel_auroc).toBeCloseTo(ts.reduce((a, t) => a + t.metrics.pixel_auroc, 0) / ts.length, 12);
    }
    const pc = buildLeaderboard(store.reads, {
      sweep: 'lb',
      metric: 'image_auroc',
      mode: 'per-class',
      also: ['pixel_auroc', 'aupro'],
    });
    for (const e of pc.perClass!.entries) {
      const t = seeded.find((x) => x.id === e.trialId)!;
      expect(e.also).toEqual({ pixel_auroc: t.metrics.pixel_auroc, aupro: null });
    }
  });

  it('an empty board before any trial finished', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    s.submit(makeSweep('fresh', { classes }));
    const lb = buildLeaderboard(s.reads, { sweep: 'fresh', metric: 'image_auroc', mode: 'mean' });
    expect([lb.points, lb.totalPoints, lb.honest]).toEqual([[], 0, null]);
    s.close();
  });
});

describe('ties in floating point', () => {
  it('means equal up to rounding of the summation order are ties: the first point wins', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    const { sweepId } = s.submit(makeSweep('fp', { classes: ['a', 'b', 'c'], sigma: [2, 4] }));
    // in JS, 0.7+0.8+0.9 = 2.4 but 0.9+0.8+0.7 = 2.4000000000000004
    const vals = [0.7, 0.8, 0.9, 0.9, 0.8, 0.7];
    const ins = sdb.prepare(
      `INSERT INTO metrics (trial_id, name, value, time, final) VALUES (?, 'image_auroc', ?, 0, 1)`,
    );
    vals.forEach((v, i) => ins.run(i + 1, v));
    expect(sweepId).toBe(1);
    const lb = buildLeaderboard(s.reads, { sweep: 'fp', metric: 'image_auroc', mode: 'mean' });
    expect(lb.points.map((p) => p.params.sigma)).toEqual([2, 4]);
    s.close();
  });
});
