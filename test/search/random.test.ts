/**
 * Random search: n distinct points, seeded, and extendable: a larger n keeps the first n points and adds
 * only new ones (also through submit, which then inserts only the new trials). Plus the sampler's
 * continuous draws and the `search:` errors that name their line.
 */
import { describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { pointKeyOf } from '../../coordinator/search/plan.js';
import { drawPoint, sampleStream, type SearchAxis } from '../../coordinator/search/sample.js';
import { SweepStore } from '../../coordinator/store/index.js';
import type { TrialSpec } from '../../shared/trial.js';
import { tempDbPath } from './drive.js';

const yaml = (search: string): string => `name: r
search: ${search}
grid:
  dataset: {kind: mvtec, root: /nowhere, classes: [bottle, cable]}
  wavelet: [haar, db2, sym4]
  level: [1, 2]
  sigma: {range: [1, 8], step: 1}
  cov_reg: {logrange: [0.001, 0.1], num: 5}
`;
const expand = (search: string) => expandSweepText(yaml(search), '/tmp/r.yaml');
const pointsOf = (trials: readonly TrialSpec[]): string[] => [...new Set(trials.map((t) => pointKeyOf(t.params)))];

describe('random search', () => {
  it('samples n distinct points (each with all its classes), and the seed decides which', () => {
    const full = expand('grid');
    expect(pointsOf(full.trials)).toHaveLength(240);
    const r = expand('{kind: random, n: 40, seed: 7}');
    const pts = pointsOf(r.trials);
    expect(pts).toHaveLength(40);
    expect(r.trials).toHaveLength(80);
    expect(new Set(r.trials.map((t) => t.key)).size).toBe(80);
    const fullKeys = new Set(full.trials.map((t) => t.key));
    for (const t of r.trials) expect(fullKeys.has(t.key)).toBe(true);
    expect(pointsOf(expand('{kind: random, n: 40, seed: 7}').trials)).toEqual(pts);
    expect(pointsOf(expand('{kind: random, n: 40, seed: 8}').trials)).not.toEqual(pts);
  });

  it('a larger n keeps the first points and adds new ones; submit inserts only the new trials', () => {
    const small = pointsOf(expand('{kind: random, n: 10, seed: 3}').trials);
    const large = pointsOf(expand('{kind: random, n: 25, seed: 3}').trials);
    expect(large.slice(0, 10)).toEqual(small);
    expect(new Set(large).size).toBe(25);
    const store = SweepStore.open(tempDbPath());
    expect(store.submit(expand('{kind: random, n: 10, seed: 3}')).added).toBe(20);
    const more = store.submit(expand('{kind: random, n: 25, seed: 3}'));
    expect([more.added, more.existing, more.total]).toEqual([30, 20, 50]);
    store.close();
  });

  it('n larger than the grid is an error naming the line', () => {
    expect(() => expand('{kind: random, n: 241}')).toThrow(
      /r\.yaml:2:\d+: search \(random\) n 241 is more than the 240 points/,
    );
    expect(() => expand('{kind: random}')).toThrow(/search \(random\) needs n/);
    expect(() => expand('{kind: annealing}')).toThrow(
      /r\.yaml:2:16: search needs a kind.*allowed: grid, random, halving/,
    );
    expect(() => expand('{kind: halving, eta: 1}')).toThrow(/eta must be an integer >= 2, got 1/);
    expect(() => expand('{kind: halving, budget: steps}')).toThrow(/budget: steps needs max_budget/);
  });

  it('a range marked continuous is drawn from its interval (log-uniform for a logrange), extendable the same way', () => {
    const text = (n: number, search = `{kind: random, n: ${n}, seed: 2}`): string =>
      yaml(search)
        .replace('sigma: {range: [1, 8], step: 1}', 'sigma: {range: [1, 8], continuous: true}')
        .replace('num: 5}', 'continuous: true}');
    const a = expandSweepText(text(30), '/tmp/r.yaml');
    const b = expandSweepText(text(60), '/tmp/r.yaml');
    expect(pointsOf(b.trials).slice(0, 30)).toEqual(pointsOf(a.trials));
    expect(new Set(b.trials.map((t) => t.key)).size).toBe(120);
    const sigmas = b.trials.map((t) => t.params.sigma);
    const covs = b.trials.map((t) => t.params.cov_reg);
    expect(new Set(sigmas).size).toBe(60); // drawn, not the placeholder
    for (const s of sigmas) expect(s >= 1 && s <= 8).toBe(true);
    for (const c of covs) expect(c >= 0.001 && c <= 0.1).toBe(true);
    expect(covs.filter((c) => c < 0.01).length).toBeGreaterThan(20); // log-uniform: about half below 0.01
    expect(() => expandSweepText(text(5, 'grid'), '/tmp/r.yaml')).toThrow(
      /r\.yaml:7:\d+: sigma: a continuous range is drawn only by search: \{kind: random/,
    );
  });

  it('the sampler: continuous draws stay in their interval, log draws spread over decades, streams extend without repeats', () => {
    const axes: SearchAxis[] = [
      { name: 'lr', domain: { kind: 'uniform', low: 1e-5, high: 1e-1, log: true, integer: false } },
      { name: 'width', domain: { kind: 'uniform', low: 8, high: 64, log: false, integer: true } },
      { name: 'opt', domain: { kind: 'values', values: ['adam', 'sgd'] } },
    ];
    const keyed = (d: Record<string, unknown>) => ({ key: JSON.stringify(d), item: d });
    const a = sampleStream(axes, 200, 1, keyed);
    const b = sampleStream(axes, 300, 1, keyed);
    expect(b.slice(0, 200)).toEqual(a);
    expect(new Set(b.map((x) => JSON.stringify(x))).size).toBe(300);
    const lrs = b.map((x) => x.lr as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // log-uniform: about a quarter of the draws in each decade
    const lowDecade = lrs.filter((x) => x < 1e-4).length / lrs.length;
    expect(lowDecade).toBeGreaterThan(0.15);
    expect(lowDecade).toBeLessThan(0.35);
    for (const x of b)
      expect(Number.isInteger(x.width) && (x.width as number) >= 8 && (x.width as number) <= 64).toBe(true);
    expect(drawPoint(axes, 1, 5)).toEqual(drawPoint(axes, 1, 5));
    // a small discrete space: the stream stops at the distinct points it can find
    expect(sampleStream([axes[2]], 5, 1, keyed)).toHaveLength(2);
  });
});
