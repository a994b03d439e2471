import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildBestSweep } from '../../coordinator/report/best-yaml.js';
import { parseFilters } from '../../coordinator/report/filters.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { makeSweep, seedResults, type SeededTrial } from '../store/seed.js';
import { expectedBestPerClass, expectedRanking } from './expected.js';
import type { SubmittableSweep } from '../../coordinator/store/types.js';

const classes = ['bottle', 'cable', 'screw'];
let store: SweepStore;
let db: Db;
let sweep: SubmittableSweep;
let seeded: SeededTrial[];

beforeAll(() => {
  db = openDatabase(':memory:');
  store = new SweepStore(db);
  sweep = makeSweep('src', {
    classes,
    wavelet: ['haar', 'db4'],
    sigma: [2, 4, 6],
    subbands: [
      ['LL', 'LH', 'HL'],
      ['LL', 'LH', 'HL', 'HH'],
    ],
  });
  seeded = seedResults(db, store.submit(sweep).sweepId, ['image_auroc', 'pixel_auroc'], 2024);
});
afterAll(() => store.close());

const keyOf = (t: SeededTrial): string => trialKey(t.params);
const keysFromYaml = (yaml: string): string[] =>
  expandSweepText(yaml, '/tmp/best.yaml')
    .trials.map((t) => t.key)
    .sort();

describe('best', () => {
  it('per class: a sweep file that re-runs exactly each class winner', () => {
    const b = buildBestSweep(store.reads, { sweep: 'src', metric: 'image_auroc', perClass: true });
    expect(b.name).toBe('src-best-image_auroc-per-class');
    const best = expectedBestPerClass(seeded, 'image_auroc');
    expect(keysFromYaml(b.yaml)).toEqual([...best.values()].map(keyOf).sort());
    expect(b.winners.map((w) => [w.stage, w.value])).toEqual(classes.map((c) => [c, best.get(c)!.metrics.image_auroc]));
    expect(b.yaml).toMatch(/subbands: \[LL, LH, HL(, HH)?\]/);
    const loaded = expandSweepText(b.yaml, '/tmp/best.yaml');
    expect(loaded.name).toBe(b.name);
    expect(loaded.stages.map((s) => s.name)).toEqual(classes);
  });

  it('class mean, top 2: the two best points on all their classes', () => {
    const b = buildBestSweep(store.reads, {
      sweep: 'src',
      metric: 'pixel_auroc',
      perClass: false,
      top: 2,
      name: 'winners',
    });
    const exp = expectedRanking(sweep.trials, seeded, 'pixel_auroc').slice(0, 2);
    const want = exp.flatMap((e) => classes.map((c) => trialKey({ ...(e.point as unknown as TrialParams), class: c })));
    expect(keysFromYaml(b.yaml)).toEqual(want.sort());
    expect(b.winners.map((w) => w.stage)).toEqual(['rank-1', 'rank-2']);
    expect(expandSweepText(b.yaml, '/tmp/w.yaml').name).toBe('winners');
  });

  it('honours filters and reports an empty selection', () => {
    const b = buildBestSweep(store.reads, {
      sweep: 'src',
      metric: 'image_auroc',
      perClass: true,
      filters: parseFilters(['wavelet=db4', 'class=cable']),
    });
    const cand = seeded.filter((t) => t.params.wavelet === 'db4' && t.class === 'cable');
    const best = expectedBestPerClass(cand, 'image_auroc').get('cable')!;
    expect(keysFromYaml(b.yaml)).toEqual([keyOf(best)]);
    expect(() =>
      buildBestSweep(store.reads, {
        sweep: 'src',
        metric: 'image_auroc',
        perClass: true,
        filters: parseFilters(['sigma=99']),
      }),
    ).toThrow(/no finished trial/);
  });
});

describe('best from a real sweep file', () => {
  it('keeps the synthetic generator spec of a folder dataset', () => {
    const text = [
      'name: synth',
      'grid:',
      '  dataset: {kind: folder, root: /tmp/wepadim-synth, classes: all, synthetic: {classes: [weave, disk], train: 8, test: 6, size: 64, seed: 3}}',
      '  wavelet: [haar, sym4]',
      '  sigma: [2, 4]',
      '',
    ].join('\n');
    const ex = expandSweepText(text, '/tmp/synth.yaml');
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    const { sweepId, added } = s.submit(ex);
    expect(added).toBe(8);
    const seededSynth = seedResults(sdb, sweepId, ['image_auroc'], 5);
    const b = buildBestSweep(s.reads, { sweep: 'synth', metric: 'image_auroc', perClass: true });
    expect(b.yaml).toMatch(/synthetic:\n\s+classes: \[weave, disk\]\n\s+train: 8\n/);
    expect(b.yaml).not.toMatch(/[&*]a1/); // no YAML anchors or aliases
    const again = expandSweepText(b.yaml, '/tmp/best-synth.yaml');
    expect(again.datasets[0].synthetic).toEqual(ex.datasets[0].synthetic);
    const best = expectedBestPerClass(seededSynth, 'image_auroc');
    expect(again.trials.map((t) => t.key).sort()).toEqual([...best.values()].map(keyOf).sort());
    s.close();
  });
});
