import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { blockShapes, waveletEmbedding } from '../../worker/engine/embedding.js';
import { groupBytes } from '../../worker/engine/group-memory.js';
import { fitGaussianDirect, fitGaussianWoodbury, mahalanobis } from '../../worker/engine/gaussian.js';
import { evaluateDwtGroup, evaluateTrial } from '../../worker/engine/group.js';
import { rocAuc } from '../../worker/engine/sklearn-metrics.js';
import type { DwtConfig, VariantConfig } from '../../worker/engine/types.js';
import { f32, f64, loadFixture, maxAbsDiff, maxRelDiff } from './fixtures.js';
import { pipelineFeatures, pipelineTruth, type PipelineCase } from './pipeline-data.js';

const { cases } = loadFixture<{ cases: PipelineCase[] }>('pipeline.json');

function setup(c: PipelineCase) {
  const features = pipelineFeatures(c);
  const truth = pipelineTruth(c.n_test);
  const dwt: DwtConfig = { wavelet: c.wavelet, level: c.level, mode: 'zero', align: 'down' };
  const v: VariantConfig = {
    subbands: c.subbands,
    cov_reg: c.cov_reg,
    sigma: c.sigma,
    distance: 'squared',
    smoothing: 'reference',
  };
  return { features, truth, dwt, v };
}

describe('end to end against the original pipeline (pywt + torch + numpy + sklearn)', () => {
  for (const c of cases) {
    const name = `${c.wavelet} J${c.level} [${c.subbands.join(',')}] N=${c.n_train} D=${c.D}`;
    it(`${name}: embedding in the original channel order within 1e-6`, () => {
      const { features, dwt } = setup(c);
      const e = waveletEmbedding(features.test, dwt, c.subbands);
      expect([e.c, e.h, e.w]).toEqual([c.D, ...c.grid]);
      const per = e.c * e.h * e.w;
      expect(maxAbsDiff(e.data.subarray(0, per), f32(c.embedding_test0))).toBeLessThanOrEqual(1e-6);
    });
    // the embedding carries float32 rounding differences (~1e-7) that the ill-conditioned inverse amplifies,
    // so end to end uses 1e-5; the Gaussian alone is held to 1e-6 in gaussian.test.ts
    it(`${name}: squared Mahalanobis within 1e-5 relative (Woodbury and direct)`, () => {
      const { features, dwt } = setup(c);
      const tr = waveletEmbedding(features.train, dwt, c.subbands);
      const te = waveletEmbedding(features.test, dwt, c.subbands);
      const ref = f64(c.dist);
      expect(maxRelDiff(mahalanobis(fitGaussianWoodbury(tr, c.cov_reg), te), ref)).toBeLessThanOrEqual(1e-5);
      expect(maxRelDiff(mahalanobis(fitGaussianDirect(tr, c.cov_reg), te), ref)).toBeLessThanOrEqual(1e-5);
    });
    it(`${name}: image scores, map and AUROCs of evaluateTrial`, () => {
      const { features, truth, dwt, v } = setup(c);
      const o = evaluateTrial(features, truth, dwt, v, { keepMaps: true });
      expect(maxRelDiff(o.imageScores, f32(c.image_scores))).toBeLessThanOrEqual(1e-5);
      const maps = o.maps as Float32Array;
      const sub: number[] = [];
      for (let y = 0; y < 224; y += 7) for (let x = 0; x < 224; x += 7) sub.push(maps[y * 224 + x]);
      const ref = f32(c.map0_stride7);
      const scale = Math.max(...ref);
      expect(maxAbsDiff(sub, ref) / scale).toBeLessThanOrEqual(5e-6);
      expect(o.metrics.image_auroc).toBe(c.image_auroc);
      expect(Math.abs(o.metrics.pixel_auroc - c.pixel_auroc)).toBeLessThanOrEqual(1e-6);
      expect(o.metrics.aupro).toBeGreaterThan(0);
      expect(Object.keys(o.metrics.per_defect).sort()).toEqual(['scratch', 'shift']);
    });
  }
});

describe('alignment', () => {
  it("align 'up' resizes every tap to the largest grid (PaDiM), 'down' to the smallest (the original)", () => {
    const c = cases[0]; // sym4 J2 on 28/14/7 gives LL_2 grids 12, 8, 7
    const { features, dwt } = setup(c);
    const down = waveletEmbedding(features.test, dwt, c.subbands);
    const up = waveletEmbedding(features.test, { ...dwt, align: 'up' }, c.subbands);
    expect([down.h, down.w]).toEqual([7, 7]);
    expect([up.h, up.w, up.c]).toEqual([12, 12, down.c]);
  });
});

describe('group evaluation', () => {
  const c = cases[0];
  const { features, truth, dwt } = setup(c);
  const variants: VariantConfig[] = [];
  for (const subbands of [
    ['LL', 'LH', 'HL'],
    ['HH', 'LL'],
    ['LL', 'LH', 'HL', 'HH'],
  ] as VariantConfig['subbands'][])
    for (const cov_reg of [0.1, 0.001])
      variants.push({ subbands, cov_reg, sigma: 2, distance: 'squared', smoothing: 'reference' });
  variants.push({ subbands: ['LL'], cov_reg: 0.1, sigma: 3, distance: 'squared', smoothing: 'reference' });
  variants.push({ subbands: ['LL', 'LH'], cov_reg: 0.01, sigma: 3, distance: 'sqrt', smoothing: 'gaussian' });
  const subsets = [
    { name: 'sel', indices: Uint32Array.from([0, 3, 4]) },
    { name: 'rep', indices: Uint32Array.from([1, 2, 5]) },
  ];

  it('gives exactly the same outcome for every variant as evaluating it alone, shared or not', () => {
    const done: number[] = [];
    const g = evaluateDwtGroup(features, truth, dwt, variants, { subsets, onVariantDone: (i) => done.push(i) });
    const unshared = evaluateDwtGroup(features, truth, dwt, variants, { subsets, sharing: false });
    expect(done.sort((a, b) => a - b)).toEqual(variants.map((_, i) => i));
    variants.forEach((v, i) => {
      const alone = evaluateTrial(features, truth, dwt, v, { subsets });
      expect(g.outcomes[i].metrics).toEqual(alone.metrics);
      expect(g.outcomes[i].imageScores).toEqual(alone.imageScores);
      expect(unshared.outcomes[i].metrics).toEqual(alone.metrics);
    });
    // subset pixel AUROC (read from the one global sort) equals sorting the subset's pixels alone
    const maps = evaluateTrial(features, truth, dwt, variants[0], { keepMaps: true }).maps as Float32Array;
    for (const s of subsets) {
      const hw = 224 * 224;
      const px = new Float32Array(s.indices.length * hw);
      const pl = new Uint8Array(s.indices.length * hw);
      s.indices.forEach((img, j) => {
        px.set(maps.subarray(img * hw, (img + 1) * hw), j * hw);
        pl.set(truth.masks.subarray(img * hw, (img + 1) * hw), j * hw);
      });
      expect(g.outcomes[0].metrics.subsets[s.name].pixel_auroc).toBe(rocAuc(pl, px));
    }
    // the variants really differ
    expect(new Set(g.outcomes.map((o) => o.metrics.pixel_auroc)).size).toBe(variants.length);
    expect(g.outcomes[0].metrics.subsets.sel.image_auroc).toBeGreaterThanOrEqual(0);
  });
  it('mixes direct (D <= N) and Woodbury (D > N) variants in one group with the same results as alone', () => {
    const c1 = cases[1]; // N = 60: [LL,HH] has D = 56 (direct), all four subbands D = 112 (Woodbury)
    const s1 = setup(c1);
    const vs: VariantConfig[] = [
      { ...s1.v, subbands: ['LL', 'HH'] },
      { ...s1.v, subbands: ['LL', 'LH', 'HL', 'HH'] },
      { ...s1.v, subbands: ['HH', 'LL'], cov_reg: 0.01 },
    ];
    const g = evaluateDwtGroup(s1.features, s1.truth, s1.dwt, vs);
    vs.forEach((v, i) =>
      expect(g.outcomes[i].metrics).toEqual(evaluateTrial(s1.features, s1.truth, s1.dwt, v).metrics),
    );
    expect(g.outcomes[0].metrics.image_auroc).toBe(c1.image_auroc);
  });
  it('forced direct and Woodbury methods agree to float64 rounding on the metrics', () => {
    const v = variants[0];
    const a = evaluateTrial(features, truth, dwt, v, { method: 'woodbury', keepMaps: true });
    const b = evaluateTrial(features, truth, dwt, v, { method: 'direct', keepMaps: true });
    expect(maxRelDiff(a.imageScores, b.imageScores)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(a.metrics.pixel_auroc - b.metrics.pixel_auroc)).toBeLessThanOrEqual(1e-6);
  });
  it('splits fit into Gram+cross and solves, and adds CPU phases only with a cpuClock', () => {
    const vs = [variants[0], { ...variants[0], sigma: 4 }]; // the second reuses the first one's distances
    const plain = evaluateDwtGroup(features, truth, dwt, vs);
    expect(plain.outcomes.every((o) => o.timings.cpu === undefined)).toBe(true);
    let ticks = 0;
    const g = evaluateDwtGroup(features, truth, dwt, vs, { cpuClock: () => ++ticks });
    for (const o of g.outcomes) {
      const t = o.timings;
      expect((t.gram_s ?? NaN) + (t.solve_s ?? NaN)).toBeCloseTo(t.fit_s, 9);
      expect(t.gram_s).toBeGreaterThanOrEqual(0);
      expect(t.cpu && Object.values(t.cpu).every((x) => x >= 0)).toBe(true);
    }
    // the clock is read around the DWT (2 reads) and per variant: the first variant's DWT counts one tick
    expect(g.outcomes[0].timings.cpu?.dwt_s).toBe(1);
    expect(g.outcomes[1].timings.solve_s).toBe(0); // distances reused: no solve
    expect(g.outcomes[0].metrics).toEqual(plain.outcomes[0].metrics);
  });
  it('reuses distances across calls through distanceCache: a later call skips the DWT and gets the same maps', () => {
    const cache = new Map();
    const g = evaluateDwtGroup(features, truth, dwt, variants, { distanceCache: cache });
    expect(cache.size).toBe(new Set(variants.map((v) => `${[...v.subbands].sort().join()}|${v.cov_reg}`)).size);
    const again = evaluateDwtGroup(features, truth, dwt, [variants[0], variants[7]], {
      keepMaps: () => true,
      distanceCache: cache,
    });
    const fresh = evaluateDwtGroup(features, truth, dwt, [variants[0]], { keepMaps: () => true });
    expect(again.timings.dwt_s).toBe(0); // no DWT: the distances came from the cache
    expect(fresh.timings.dwt_s).toBeGreaterThan(0);
    expect(again.outcomes[0].maps).toEqual(fresh.outcomes[0].maps);
    expect(again.outcomes[0].metrics).toEqual(g.outcomes[0].metrics);
    expect(again.outcomes[1].metrics).toEqual(g.outcomes[7].metrics);
    // another DWT configuration does not hit the cache
    const other = evaluateDwtGroup(features, truth, { ...dwt, mode: 'symmetric' }, [variants[0]], {
      distanceCache: cache,
    });
    expect(other.timings.dwt_s).toBeGreaterThan(0);
  });
  it('computes the DWT one block at a time above maxBlockBytes, with the same outcomes', () => {
    const all = evaluateDwtGroup(features, truth, dwt, variants, { subsets });
    const capped = evaluateDwtGroup(features, truth, dwt, variants, { subsets, maxBlockBytes: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'wepadim-spill-'));
    const spilled = evaluateDwtGroup(features, truth, dwt, variants, { subsets, maxBlockBytes: 1, spillDir: dir });
    // a spill folder that cannot be written: each block's DWT on its own instead
    const unwritable = { subsets, maxBlockBytes: 1, spillDir: join(dir, 'missing') };
    const fallback = evaluateDwtGroup(features, truth, dwt, variants, unwritable);
    const roomy = evaluateDwtGroup(features, truth, dwt, variants, { subsets, maxBlockBytes: 1e12, spillDir: dir });
    expect(readdirSync(dir)).toEqual([]); // the block files were unlinked as soon as they were open
    rmSync(dir, { recursive: true });
    variants.forEach((_, i) => {
      for (const g of [capped, spilled, fallback, roomy]) {
        expect(g.outcomes[i].metrics).toEqual(all.outcomes[i].metrics);
        expect(g.outcomes[i].imageScores).toEqual(all.outcomes[i].imageScores);
      }
      expect(capped.outcomes[i].timings.blockwise).toBe('dwt');
      expect(spilled.outcomes[i].timings.blockwise).toBe('spill');
      expect(fallback.outcomes[i].timings.blockwise).toBe('dwt');
      expect(roomy.outcomes[i].timings.blockwise).toBeUndefined();
    });
    // the direct/Woodbury mix of case 1 too (direct blocks keep their centred features)
    const s1 = setup(cases[1]);
    const vs: VariantConfig[] = [
      { ...s1.v, subbands: ['LL', 'HH'] },
      { ...s1.v, subbands: ['LL', 'LH', 'HL', 'HH'] },
    ];
    const a = evaluateDwtGroup(s1.features, s1.truth, s1.dwt, vs);
    const b = evaluateDwtGroup(s1.features, s1.truth, s1.dwt, vs, { maxBlockBytes: 1 });
    vs.forEach((_, i) => expect(b.outcomes[i].metrics).toEqual(a.outcomes[i].metrics));
  });
  it('counts the kept Gram terms against maxBlockBytes, not only the float32 blocks', () => {
    const s = blockShapes(features.train, dwt, ['LL', 'LH', 'HL', 'HH']);
    const n = features.train[0].n;
    const t = features.test[0].n;
    const c = (b: keyof typeof s.channels): number => s.channels[b] ?? 0;
    // what the old rule compared: the float32 blocks alone
    const blocks = (n + t) * (c('LL') + c('LH') + c('HL') + c('HH')) * s.h * s.w * 4;
    const blockwise = (bytes: number): string | undefined =>
      evaluateDwtGroup(features, truth, dwt, variants, { subsets, maxBlockBytes: bytes }).outcomes[0].timings.blockwise;
    expect(blockwise(blocks)).toBe('dwt'); // the blocks fit, but with their Gram terms they would not
    expect(blockwise(1e12)).toBeUndefined();
    // the estimate itself, by hand: 2 shared Woodbury blocks, 1 direct block, 1 used once
    const shape = {
      n: 10,
      t: 4,
      p: 9,
      channels: { LL: 8, LH: 16, HL: 16, HH: 16 },
      needed: ['LL', 'LH', 'HL', 'HH'] as const,
      direct: new Set(['LL'] as const),
      uses: new Map([
        ['LL', 3],
        ['LH', 2],
        ['HL', 2],
        ['HH', 1],
      ] as const),
    };
    const terms = (9 * 100 + 9 * 4 * 10 + 9 * 4) * 8;
    const blockOf = (ch: number): number => 14 * ch * 9 * 4;
    const kept = terms + 2 * blockOf(8) + 2 * terms;
    expect(groupBytes(shape)).toEqual({
      allBlocks: blockOf(8) + 3 * blockOf(16) + kept,
      oneBlock: blockOf(16) + kept,
    });
  });
  it('keeps maps only when asked and honours an aborted signal', () => {
    const g = evaluateDwtGroup(features, truth, dwt, variants.slice(0, 2), { keepMaps: (i) => i === 1 });
    expect(g.outcomes[0].maps).toBeNull();
    expect(g.outcomes[1].maps?.length).toBe(c.n_test * 224 * 224);
    const ac = new AbortController();
    ac.abort();
    expect(() => evaluateDwtGroup(features, truth, dwt, variants, { signal: ac.signal })).toThrow();
  });
  it('rejects bad input with typed errors naming the sizes', () => {
    const v = variants[0];
    const deep: DwtConfig = { ...dwt, wavelet: 'haar', level: 4 };
    expect(() => evaluateTrial(features, truth, deep, v)).toThrow(ShapeError);
    expect(() => evaluateTrial(features, truth, deep, v)).toThrow(/tap 2: wavelet level 4 is too deep for a 7x7 map/);
    const nan = pipelineFeatures(c);
    nan.test[1].data[5] = Number.NaN;
    expect(() => evaluateTrial(nan, truth, dwt, v)).toThrow(/NaN in test features of tap 1 \(tap=1, image=0/);
    const one = {
      train: features.train.map((b) => ({ ...b, n: 1, data: b.data.subarray(0, b.c * b.h * b.w) })),
      test: features.test,
    };
    expect(() => evaluateTrial(one, truth, dwt, v)).toThrow(/N=1/);
    expect(() => evaluateTrial(features, { ...truth, labels: truth.labels.subarray(1) }, dwt, v)).toThrow(ShapeError);
    const oneClass = [{ name: 'sel', indices: Uint32Array.from([0, 1]) }];
    expect(() => evaluateTrial(features, truth, dwt, v, { subsets: oneClass })).toThrow(
      /test subset 'sel': AUROC needs both/,
    );
  });
});
