/** `dataset synth --profile`: MVTec AD's and VisA's published per-class counts, layouts, and byte-identical output. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import {
  detectDatasetKind,
  generateProfileDataset,
  listClass,
  loadMasks,
  MVTEC_PROFILE,
  profileCounts,
  VISA_PROFILE,
} from '../../worker/data/index.js';
import { tempRoot } from './tree-helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function digestTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

// MVTec AD as published (Bergmann et al. 2019, Table 1): class -> [train, test good, test defective]
const MVTEC_PUBLISHED: Record<string, [number, number, number]> = {
  bottle: [209, 20, 63],
  cable: [224, 58, 92],
  capsule: [219, 23, 109],
  carpet: [280, 28, 89],
  grid: [264, 21, 57],
  hazelnut: [391, 40, 70],
  leather: [245, 32, 92],
  metal_nut: [220, 22, 93],
  pill: [267, 26, 141],
  screw: [320, 41, 119],
  tile: [230, 33, 84],
  toothbrush: [60, 12, 30],
  transistor: [213, 60, 40],
  wood: [247, 19, 60],
  zipper: [240, 32, 119],
};
// VisA 1cls split: class -> [train normal, test normal, test anomaly]
const VISA_PUBLISHED: Record<string, [number, number, number]> = {
  candle: [900, 100, 100],
  capsules: [542, 60, 100],
  cashew: [450, 50, 100],
  chewinggum: [453, 50, 100],
  fryum: [450, 50, 100],
  macaroni1: [900, 100, 100],
  macaroni2: [900, 100, 100],
  pcb1: [904, 100, 100],
  pcb2: [901, 100, 100],
  pcb3: [905, 101, 100],
  pcb4: [904, 101, 100],
  pipe_fryum: [450, 50, 100],
};

const triple = (c: { train: number; good: number; defects: [string, number][] }): [number, number, number] => [
  c.train,
  c.good,
  c.defects.reduce((a, d) => a + d[1], 0),
];

describe('dataset profiles', () => {
  it("the mvtec profile has MVTec AD's per-class counts: 3,629 train, 1,725 test (467 good, 1,258 defective)", () => {
    const counts = profileCounts(MVTEC_PROFILE);
    expect(Object.fromEntries(counts.map((c) => [c.name, triple(c)]))).toEqual(MVTEC_PUBLISHED);
    const sum = (i: number): number => counts.reduce((a, c) => a + triple(c)[i], 0);
    expect([sum(0), sum(1) + sum(2), sum(1), sum(2)]).toEqual([3629, 1725, 467, 1258]);
    expect(MVTEC_PROFILE.classes.find((c) => c.name === 'cable')?.defects.map((d) => d[0])).toContain(
      'cut_inner_insulation',
    );
  });

  it("the visa profile has VisA's counts (8,659 / 962 / 1,200) and writes half the training images by default", () => {
    const full = profileCounts(VISA_PROFILE, { trainScale: 1 });
    expect(Object.fromEntries(full.map((c) => [c.name, triple(c)]))).toEqual(VISA_PUBLISHED);
    const half = profileCounts(VISA_PROFILE);
    expect(half.find((c) => c.name === 'pcb1')?.train).toBe(452);
    expect(half.reduce((a, c) => a + c.train, 0)).toBe(4331);
    expect(half.every((c, i) => c.good === full[i].good)).toBe(true);
  });

  it('scales keep at least 2 training images, 1 good and 1 per defect type; bad scales and classes are user errors', () => {
    const tiny = profileCounts(MVTEC_PROFILE, { trainScale: 0.001, testScale: 0.001, classes: ['cable'] });
    expect(tiny).toEqual([
      { name: 'cable', train: 2, good: 1, defects: MVTEC_PROFILE.classes[1].defects.map(([d]) => [d, 1]) },
    ]);
    expect(() => profileCounts(MVTEC_PROFILE, { trainScale: 0 })).toThrow(UserError);
    expect(() => profileCounts(MVTEC_PROFILE, { testScale: 1.5 })).toThrow(/test scale must be in/);
    expect(() => profileCounts(MVTEC_PROFILE, { classes: ['candle'] })).toThrow(/not a class of profile mvtec: candle/);
  });

  it('writes an MVTec-layout slice byte-identically for a seed, on threads or not; another seed differs', async () => {
    const [a, b, c] = [tempRoot('prof-a'), tempRoot('prof-b'), tempRoot('prof-c')];
    cleanups.push(a.cleanup, b.cleanup, c.cleanup);
    const opts = { seed: 5, size: 64, trainScale: 0.02, testScale: 0.1, classes: ['toothbrush', 'grid'] };
    const res = await generateProfileDataset(a.root, 'mvtec', { ...opts, threads: 0 });
    await generateProfileDataset(b.root, 'mvtec', { ...opts, threads: 2 });
    await generateProfileDataset(c.root, 'mvtec', { ...opts, seed: 6, threads: 2 });
    // toothbrush: 2 train, 1 good, 3 defective; grid: 5 train, 2 good, 5 types x 1
    expect(res.images).toBe(2 + 1 + 3 + 5 + 2 + 5);
    expect(res.files).toBe(res.images + 3 + 5);
    const da = digestTree(a.root);
    expect(digestTree(b.root)).toEqual(da);
    const dc = digestTree(c.root);
    expect(Object.keys(da).filter((k) => k.endsWith('.png') && dc[k] === da[k])).toEqual([]);
    expect(detectDatasetKind(a.root)).toBe('mvtec');
    const l = listClass('mvtec', a.root, 'grid');
    expect(l.train).toHaveLength(5);
    expect(l.test.map((s) => s.defect)).toEqual([
      'bent',
      'broken',
      'glue',
      'good',
      'good',
      'metal_contamination',
      'thread',
    ]);
    const masks = await loadMasks(l.test);
    l.test.forEach((s, i) => expect(masks[i].some((v) => v > 0)).toBe(s.label === 1));
  });

  it("writes VisA's folder layout, read back as kind visa", async () => {
    const t = tempRoot('prof-v');
    cleanups.push(t.cleanup);
    await generateProfileDataset(t.root, 'visa', {
      seed: 1,
      size: 64,
      trainScale: 0.003,
      testScale: 0.03,
      classes: ['pcb1'],
      threads: 1,
    });
    expect(detectDatasetKind(t.root)).toBe('visa');
    const l = listClass('visa', t.root, 'pcb1');
    expect([
      l.train.length,
      l.test.filter((s) => s.label === 0).length,
      l.test.filter((s) => s.label === 1).length,
    ]).toEqual([3, 3, 3]);
    expect(
      l.test.filter((s) => s.label === 1).every((s) => s.maskPath?.includes(join('Data', 'Masks', 'Anomaly'))),
    ).toBe(true);
  });
});
