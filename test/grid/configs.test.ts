/**
 * The shipped configs reproduce the original scripts' grids (spec section 8): counts, iteration order
 * (itertools.product(wavelet, level, subbands, sigma, cov_reg), cov_reg fastest, classes innermost), the
 * per-backbone bests of spec 8.1, and the demo's generated dataset. Expected values are written out here
 * independently of the YAML.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepFile, type ExpandedSweep } from '../../coordinator/grid/index.js';
import { openDatabase, submitSweep } from '../../coordinator/store/index.js';
import { MVTEC_CLASSES, VISA_CLASSES } from '../../shared/datasets.js';
import { trialKey, type TrialParams, type TrialSpec } from '../../shared/trial.js';

const load = (name: string): ExpandedSweep => loadSweepFile(`configs/${name}`);
const gridPoint = (p: TrialParams): string =>
  JSON.stringify([p.backbone, p.wavelet, p.level, p.subbands, p.sigma, p.cov_reg]);
const tuple = (t: TrialSpec): string =>
  JSON.stringify([
    t.params.wavelet,
    t.params.level,
    t.params.subbands,
    t.params.sigma,
    t.params.cov_reg,
    t.params.class,
  ]);

function product(
  w: string[],
  l: number[],
  s: string[][],
  sig: number[],
  cov: number[],
  classes: readonly string[],
): string[] {
  const out: string[] = [];
  for (const a of w)
    for (const b of l)
      for (const c of s)
        for (const d of sig) for (const e of cov) for (const k of classes) out.push(JSON.stringify([a, b, c, d, e, k]));
  return out;
}

describe('shipped configs: counts', () => {
  const cases: [string, Record<string, number>, number][] = [
    ['phase1-reduced.yaml', { main: 216 }, 216 * 15],
    ['full-grid.yaml', { main: 32 }, 32 * 15],
    ['full-grid-visa.yaml', { main: 32 }, 32 * 12],
    ['comprehensive.yaml', { main: 192 }, 192 * 15],
    ['phase2-ablation.yaml', { 'image-best': 120, 'pixel-best': 120 }, 240 * 15],
    ['best-configs.yaml', { 'best-image': 5, 'best-pixel': 5 }, 10 * 15],
    ['demo.yaml', { main: 48 }, 48 * 3],
  ];
  it.each(cases)('%s: points per stage and distinct trials', (file, points, trials) => {
    const s = load(file);
    expect(s.points).toEqual(points);
    expect(s.trials.length).toBe(trials);
    expect(new Set(s.trials.map((t) => t.key)).size).toBe(trials);
    for (const t of s.trials.slice(0, 50)) expect(t.key).toBe(trialKey(t.params));
  });
});

describe('phase1-reduced.yaml', () => {
  const s = load('phase1-reduced.yaml');
  const base = {
    objective: 'wepadim',
    dataset: 'mvtec',
    root: resolve('data/mvtec'),
    backbone: 'resnet18',
    weights: 'imagenet',
    mode: 'zero',
    align: 'down',
    distance: 'squared',
    smoothing: 'reference',
    selection: null,
    synthetic: null,
  };
  it('first and last trials are exact', () => {
    expect(s.trials[0].params).toEqual({
      ...base,
      class: 'bottle',
      wavelet: 'haar',
      level: 1,
      subbands: ['LL', 'LH', 'HL'],
      sigma: 2,
      cov_reg: 0.1,
    });
    expect(s.trials[s.trials.length - 1].params).toEqual({
      ...base,
      class: 'zipper',
      wavelet: 'sym4',
      level: 2,
      subbands: ['LL', 'LH', 'HL', 'HH'],
      sigma: 6,
      cov_reg: 0.001,
    });
    expect(s.trials[0].stage).toBe('main');
  });
  it('follows itertools.product(wavelet, level, subbands, sigma, cov_reg) with classes innermost', () => {
    const sets = [
      ['LL', 'LH', 'HL'],
      ['LL', 'LH', 'HH'],
      ['LL', 'HL', 'HH'],
      ['LL', 'LH', 'HL', 'HH'],
    ];
    expect(s.trials.map(tuple)).toEqual(
      product(['haar', 'db4', 'sym4'], [1, 2], sets, [2, 4, 6], [0.1, 0.01, 0.001], MVTEC_CLASSES),
    );
  });
  it('declares one absolute dataset root and the default retry limit', () => {
    expect(s.datasets).toEqual([{ kind: 'mvtec', root: resolve('data/mvtec'), synthetic: null }]);
    expect(s.maxAttempts).toBe(3);
    expect(s.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('full and comprehensive grids', () => {
  it('full-grid.yaml is the 32-point product in the original order', () => {
    const sets = [
      ['LL', 'LH', 'HL'],
      ['LL', 'LH', 'HL', 'HH'],
    ];
    expect(load('full-grid.yaml').trials.map(tuple)).toEqual(
      product(['haar', 'sym4'], [1, 2], sets, [2, 4], [0.01, 0.1], MVTEC_CLASSES),
    );
  });
  it('full-grid-visa.yaml extends it with the VisA dataset and classes', () => {
    const sets = [
      ['LL', 'LH', 'HL'],
      ['LL', 'LH', 'HL', 'HH'],
    ];
    const v = load('full-grid-visa.yaml');
    expect(v.trials.map(tuple)).toEqual(product(['haar', 'sym4'], [1, 2], sets, [2, 4], [0.01, 0.1], VISA_CLASSES));
    expect(v.datasets).toEqual([{ kind: 'visa', root: resolve('data/visa'), synthetic: null }]);
    expect(v.name).toBe('full-grid-visa');
    expect(v.sourceYaml).toContain('chain of 2 files');
  });
  it('comprehensive.yaml is the 192-point DEFAULT_WAVELET_PARAM_GRID', () => {
    const sets = [['LL'], ['LL', 'LH'], ['LL', 'LH', 'HL'], ['LL', 'LH', 'HL', 'HH']];
    expect(load('comprehensive.yaml').trials.map(tuple)).toEqual(
      product(['haar', 'db2', 'db4', 'sym4'], [1, 2], sets, [2, 4, 6], [0.01, 0.001], MVTEC_CLASSES),
    );
  });
});

// spec 8.1: backbone -> [wavelet, level, sigma, cov_reg] for the image-AUC and pixel-AUC bests
const BEST_IMAGE: Record<string, [string, number, number, number]> = {
  'efficientnet-b0': ['sym4', 1, 2, 0.1],
  'efficientnet-b1': ['sym4', 1, 2, 0.1],
  'efficientnet-b2': ['haar', 1, 4, 0.1],
  'efficientnet-b3': ['haar', 1, 4, 0.01],
  'efficientnet-b4': ['sym4', 1, 2, 0.01],
  'efficientnet-b5': ['haar', 1, 4, 0.001],
  'efficientnet-b6': ['haar', 1, 4, 0.01],
  resnet18: ['sym4', 2, 2, 0.01],
};
const BEST_PIXEL: Record<string, [string, number, number, number]> = {
  'efficientnet-b0': ['haar', 1, 2, 0.1],
  'efficientnet-b1': ['haar', 1, 2, 0.1],
  'efficientnet-b2': ['haar', 1, 2, 0.1],
  'efficientnet-b3': ['haar', 1, 2, 0.1],
  'efficientnet-b4': ['haar', 1, 2, 0.1],
  'efficientnet-b5': ['haar', 2, 4, 0.1],
  'efficientnet-b6': ['haar', 1, 2, 0.1],
  resnet18: ['haar', 1, 2, 0.001],
};

function basesByBackbone(trials: TrialSpec[]): Map<string, { bases: Set<string>; subsets: Set<string> }> {
  const m = new Map<string, { bases: Set<string>; subsets: Set<string> }>();
  for (const t of trials) {
    const p = t.params;
    const e = m.get(p.backbone) ?? { bases: new Set<string>(), subsets: new Set<string>() };
    e.bases.add(JSON.stringify([p.wavelet, p.level, p.sigma, p.cov_reg]));
    e.subsets.add(p.subbands.join('+'));
    m.set(p.backbone, e);
  }
  return m;
}

describe('phase2-ablation.yaml', () => {
  const s = load('phase2-ablation.yaml');
  it.each([
    ['image-best', BEST_IMAGE],
    ['pixel-best', BEST_PIXEL],
  ] as const)('%s: the 15 subsets around each backbone best of spec 8.1', (stage, table) => {
    const st = s.stages.find((x) => x.name === stage);
    const by = basesByBackbone(st?.trials ?? []);
    expect([...by.keys()].sort()).toEqual(Object.keys(table).sort());
    for (const [bb, best] of Object.entries(table)) {
      expect([...(by.get(bb)?.bases ?? [])]).toEqual([JSON.stringify(best)]);
      expect(by.get(bb)?.subsets.size).toBe(15);
    }
  });
});

describe('best-configs.yaml', () => {
  it('has the 10 runs of the best-config runner with S = [LL, LH, HL]', () => {
    const s = load('best-configs.yaml');
    const got = new Map(s.stages.map((st) => [st.name, new Set(st.trials.map((t) => gridPoint(t.params)))]));
    const want = (table: typeof BEST_IMAGE): Set<string> =>
      new Set(
        ['efficientnet-b0', 'efficientnet-b1', 'efficientnet-b2', 'efficientnet-b6', 'resnet18'].map((bb) => {
          const [w, l, sig, cov] = table[bb];
          return JSON.stringify([bb, w, l, ['LL', 'LH', 'HL'], sig, cov]);
        }),
      );
    expect(got.get('best-image')).toEqual(want(BEST_IMAGE));
    expect(got.get('best-pixel')).toEqual(want(BEST_PIXEL));
  });
});

describe('demo.yaml', () => {
  const s = load('demo.yaml');
  it('runs a generated folder dataset with random weights', () => {
    expect(s.datasets).toEqual([
      {
        kind: 'folder',
        root: resolve('runs/data/synth'),
        synthetic: { classes: ['weave', 'disc', 'chip'], train: 24, test: 16, size: 256, seed: 0 },
      },
    ]);
    expect(new Set(s.trials.map((t) => t.params.class))).toEqual(new Set(['weave', 'disc', 'chip']));
    expect(new Set(s.trials.map((t) => t.params.weights))).toEqual(new Set(['random:0']));
    expect(s.maxAttempts).toBe(2);
  });
  it('is accepted by the store as is (positive control of the no-rows test)', () => {
    const db = openDatabase(':memory:');
    try {
      expect(submitSweep(db, s).added).toBe(144);
      expect((db.prepare('SELECT count(*) AS n FROM trials').get() as { n: number }).n).toBe(144);
    } finally {
      db.close();
    }
  });
});
