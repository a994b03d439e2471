import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildExport } from '../../coordinator/report/export.js';
import { renderAs, toCsv } from '../../coordinator/report/formats.js';
import { makeSweep, seedResults, type SeededTrial } from '../store/seed.js';
import { expectedBestPerClass, expectedRanking } from './expected.js';
import type { SubmittableSweep } from '../../coordinator/store/types.js';
import { trialKey } from '../../shared/trial.js';

const classes = ['bottle', 'cable', 'metal_nut'];
let store: SweepStore;
let db: Db;
let sweep: SubmittableSweep;
let seeded: SeededTrial[];

beforeAll(() => {
  db = openDatabase(':memory:');
  store = new SweepStore(db);
  sweep = makeSweep('ex', {
    classes,
    wavelet: ['haar', 'sym4'],
    level: [1, 2],
    subbands: [
      ['LL', 'LH', 'HL'],
      ['LL', 'HH'],
    ],
  });
  seeded = seedResults(db, store.submit(sweep).sweepId, ['image_auroc', 'pixel_auroc', 'time.total_s'], 99);
});
afterAll(() => store.close());

/** minimal CSV reader for the test: handles quoted cells with commas */
function readCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)]
        .map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'))
        .slice(0, -1),
    );
}

const sumOf = (ts: SeededTrial[], m: string): number => ts.reduce((a, t) => a + t.metrics[m], 0);

describe('export', () => {
  it('ranked: one row per point with real parameter values and class means', () => {
    const t = buildExport(store.reads, { sweep: 'ex', table: 'ranked' });
    const csv = readCsv(toCsv(t));
    expect(csv[0]).toEqual([
      'rank',
      'backbone',
      'wavelet',
      'level',
      'subbands',
      'sigma',
      'cov_reg',
      'image_auroc',
      'pixel_auroc',
      'classes',
      'time_s',
    ]);
    const exp = expectedRanking(sweep.trials, seeded, 'image_auroc');
    expect(csv).toHaveLength(1 + 8);
    exp.forEach((e, i) => {
      const row = csv[i + 1];
      const trials = seeded.filter((s) => s.point === JSON.stringify(e.point));
      expect(row.slice(0, 7)).toEqual([
        String(i + 1),
        'resnet18',
        e.point.wavelet,
        String(e.point.level),
        (e.point.subbands as string[]).join('+'),
        '4',
        '0.01',
      ]);
      expect(Number(row[7])).toBeCloseTo(sumOf(trials, 'image_auroc') / 3, 12);
      expect(Number(row[8])).toBeCloseTo(sumOf(trials, 'pixel_auroc') / 3, 12);
      expect(row[9]).toBe('3/3');
      expect(Number(row[10])).toBeCloseTo(sumOf(trials, 'time.total_s'), 12);
    });
  });

  it('trials: one row per trial, every parameter and every final metric in its own column (csv and json agree)', () => {
    const t = buildExport(store.reads, { sweep: 'ex', table: 'trials' });
    expect(t.rows).toHaveLength(sweep.trials.length);
    expect(t.columns.slice(0, 4)).toEqual(['trial', 'class', 'status', 'attempts']);
    expect(t.columns.slice(-3)).toEqual(['image_auroc', 'pixel_auroc', 'time.total_s']);
    const byKey = new Map(t.rows.map((r) => [r.trial, r]));
    for (const s of seeded) {
      const key = (db.prepare('SELECT key FROM trials WHERE id = ?').get(s.id) as { key: string }).key;
      const r = byKey.get(key.slice(0, 12))!;
      expect(r).toMatchObject({
        class: s.class,
        status: 'done',
        wavelet: s.params.wavelet,
        level: s.params.level,
        subbands: s.params.subbands.join('+'),
      });
      for (const m of ['image_auroc', 'pixel_auroc', 'time.total_s']) expect(r[m]).toBe(s.metrics[m]);
    }
    const csv = readCsv(toCsv(t));
    expect(csv).toHaveLength(1 + sweep.trials.length);
    expect(csv[0]).toEqual(t.columns);
  });

  it("long: the original's columns, never 'unknown'", () => {
    const csv = readCsv(toCsv(buildExport(store.reads, { sweep: 'ex', table: 'long', metric: 'pixel_auroc' })));
    expect(csv[0]).toEqual([
      'model',
      'wavelet_type',
      'wavelet_level',
      'wavelet_kept_subbands',
      'sigma',
      'cov_reg',
      'metric',
      'value',
      'time',
    ]);
    expect(csv).toHaveLength(1 + 16);
    const top = expectedRanking(sweep.trials, seeded, 'pixel_auroc')[0];
    const trials = seeded.filter((s) => s.point === JSON.stringify(top.point));
    // subbands as LL+LH+HL, as --where and every other table write them (not a Python list repr)
    const joined = (top.point.subbands as string[]).join('+');
    expect(csv[1].slice(0, 7)).toEqual([
      'resnet18',
      top.point.wavelet,
      String(top.point.level),
      joined,
      '4',
      '0.01',
      'avg_img_auc',
    ]);
    expect(Number(csv[1][7])).toBeCloseTo(sumOf(trials, 'image_auroc') / 3, 12);
    expect(csv[2][6]).toBe('avg_pixel_auc');
    expect(Number(csv[2][7])).toBeCloseTo(sumOf(trials, 'pixel_auroc') / 3, 12);
    expect(Number(csv[2][8])).toBeCloseTo(sumOf(trials, 'time.total_s'), 12);
    expect(csv.flat()).not.toContain('unknown');
  });

  it('per-class: selected point per class, per-class best, mean row, provenance', () => {
    const t = buildExport(store.reads, { sweep: 'ex', table: 'per-class', provenance: true });
    const top = expectedRanking(sweep.trials, seeded, 'image_auroc')[0];
    const sel = seeded.filter((s) => s.point === JSON.stringify(top.point));
    const bestImg = expectedBestPerClass(seeded, 'image_auroc');
    const bestPix = expectedBestPerClass(seeded, 'pixel_auroc');
    expect(t.rows.map((r) => r.class)).toEqual([...classes, 'Mean']);
    classes.forEach((c, i) => {
      const r = t.rows[i];
      const s = sel.find((x) => x.class === c)!;
      expect([r.image_auroc, r.pixel_auroc]).toEqual([s.metrics.image_auroc, s.metrics.pixel_auroc]);
      expect([r.image_auroc_best, r.pixel_auroc_best]).toEqual([
        bestImg.get(c)!.metrics.image_auroc,
        bestPix.get(c)!.metrics.pixel_auroc,
      ]);
      expect([r.backend, r.weights, r.code_version]).toEqual(['onnx', 'random-init seed 0', '0.1.0+test']);
    });
    const mean = t.rows[3];
    expect(mean.image_auroc as number).toBeCloseTo(sumOf(sel, 'image_auroc') / 3, 12);
    expect(mean.pixel_auroc_best as number).toBeCloseTo(
      [...bestPix.values()].reduce((a, x) => a + x.metrics.pixel_auroc, 0) / 3,
      12,
    );
    expect(t.title).toMatch(new RegExp(`wavelet=${String(top.point.wavelet)}`));
  });

  it('markdown and latex render the same cells', () => {
    const t = buildExport(store.reads, { sweep: 'ex', table: 'per-class' });
    const md = renderAs(t, 'markdown', 3).split('\n');
    expect(md[2]).toBe('| class | image_auroc | pixel_auroc | image_auroc_best | pixel_auroc_best |');
    expect(md[3]).toBe('|:---|---:|---:|---:|---:|');
    expect(md[4]).toBe(
      `| bottle | ${[t.rows[0].image_auroc, t.rows[0].pixel_auroc, t.rows[0].image_auroc_best, t.rows[0].pixel_auroc_best].map((v) => (v as number).toFixed(3)).join(' | ')} |`,
    );
    const tex = renderAs(t, 'latex', 3);
    expect(tex).toContain('\\begin{tabular}{lrrrr}');
    expect(tex).toContain('class & image\\_auroc & pixel\\_auroc & image\\_auroc\\_best & pixel\\_auroc\\_best \\\\');
    expect(tex).toContain(`metal\\_nut & ${(t.rows[2].image_auroc as number).toFixed(3)}`);
    expect(tex).toMatch(/\\midrule\n {2}Mean & /);
    const json = JSON.parse(renderAs(t, 'json')) as { rows: Record<string, unknown>[] };
    expect(json.rows[0]).toEqual(t.rows[0]);
  });
});

describe('export --top', () => {
  it('keeps the best K points in ranked and long tables', () => {
    const exp = expectedRanking(sweep.trials, seeded, 'image_auroc');
    const ranked = buildExport(store.reads, { sweep: 'ex', table: 'ranked', top: 3 });
    expect(ranked.rows.map((r) => r.wavelet)).toEqual(exp.slice(0, 3).map((e) => e.point.wavelet));
    expect(ranked.rows.map((r) => r.level)).toEqual(exp.slice(0, 3).map((e) => e.point.level));
    expect(buildExport(store.reads, { sweep: 'ex', table: 'long', top: 2 }).rows).toHaveLength(4);
    expect(() => buildExport(store.reads, { sweep: 'ex', table: 'ranked', top: 0 })).toThrow(
      /--top must be a positive integer/,
    );
  });
});

describe('export --table models', () => {
  it("one row per backbone like the original's model_comparison.csv", () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    const base = makeSweep('models', { classes, wavelet: ['haar', 'sym4'], sigma: [2, 4] });
    const other = base.trials.map((t) => {
      const params = { ...t.params, backbone: 'efficientnet-b0' as const };
      return { ...t, key: trialKey(params), params };
    });
    const all = { ...base, trials: [...base.trials, ...other] };
    const seededM = seedResults(sdb, s.submit(all).sweepId, ['image_auroc', 'pixel_auroc', 'aupro'], 8);
    const t = buildExport(s.reads, { sweep: 'models', table: 'models' });
    expect(t.columns).toEqual([
      'model',
      'wavelet_type',
      'wavelet_level',
      'wavelet_kept_subbands',
      'sigma',
      'cov_reg',
      'best_img_auc',
      'best_pixel_auc',
      'best_pro_score',
    ]);
    expect(t.rows.map((r) => r.model).sort()).toEqual(['efficientnet-b0', 'resnet18']);
    for (const r of t.rows) {
      const mine = (sp: { params: { backbone: string } }): boolean => sp.params.backbone === r.model;
      const img = expectedRanking(all.trials, seededM, 'image_auroc', mine);
      const pix = expectedRanking(all.trials, seededM, 'pixel_auroc', mine);
      const pro = expectedRanking(all.trials, seededM, 'aupro', mine);
      expect([r.wavelet_type, r.sigma, r.wavelet_kept_subbands]).toEqual([
        img[0].point.wavelet,
        img[0].point.sigma,
        'LL+LH+HL',
      ]);
      expect(r.best_img_auc as number).toBeCloseTo(img[0].sumMilli / 3000, 12);
      expect(r.best_pixel_auc as number).toBeCloseTo(pix[0].sumMilli / 3000, 12);
      expect(r.best_pro_score as number).toBeCloseTo(pro[0].sumMilli / 3000, 12);
    }
    s.close();
  });
});
