/**
 * Pareto fronts: the pure front on hand-made points (with a tie and a lower-is-better metric), and the
 * report on a sweep whose class means are chosen by hand: `leaderboard --pareto` lists exactly the known
 * front, incomplete points stay out, and `best --pareto` writes a sweep file of exactly those points.
 */
import { describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { openDatabase } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildPareto, paretoFront, parseParetoMetrics, paretoText } from '../../coordinator/report/pareto.js';
import { buildBestSweep } from '../../coordinator/report/best-yaml.js';
import { makeSweep } from '../store/seed.js';
import type { TrialParams } from '../../shared/trial.js';

describe('paretoFront', () => {
  it('keeps exactly the non-dominated points, ties included, each metric in its own direction', () => {
    const pts = [
      [0.9, 0.5],
      [0.8, 0.8],
      [0.5, 0.9],
      [0.7, 0.7], // dominated by [0.8, 0.8]
      [0.9, 0.4], // dominated by [0.9, 0.5]
      [0.8, 0.8], // equal to #1: neither dominates the other
    ];
    expect(paretoFront(pts, ['desc', 'desc'])).toEqual([0, 1, 2, 5]);
    // accuracy up, time down: [0.9, 10] beats [0.9, 12]; [0.5, 1] is the fastest
    expect(
      paretoFront(
        [
          [0.9, 10],
          [0.9, 12],
          [0.5, 1],
          [0.6, 5],
          [0.55, 6],
        ],
        ['desc', 'asc'],
      ),
    ).toEqual([0, 2, 3]);
    expect(paretoFront([], ['desc', 'desc'])).toEqual([]);
    expect(() => parseParetoMetrics('image_auroc')).toThrow(/two or more distinct metrics/);
    expect(parseParetoMetrics('image_auroc, pixel_auroc')).toEqual(['image_auroc', 'pixel_auroc']);
  });
});

describe('leaderboard --pareto and best --pareto', () => {
  // sigma i's two classes get these (image, pixel) values: class means (0.9,0.5) (0.8,0.8) (0.5,0.9) (0.7,0.7) (0.9,0.4) (0.85,0.6)
  const VALUES: Record<number, [number, number][]> = {
    1: [
      [0.95, 0.45],
      [0.85, 0.55],
    ],
    2: [
      [0.8, 0.8],
      [0.8, 0.8],
    ],
    3: [
      [0.5, 0.95],
      [0.5, 0.85],
    ],
    4: [
      [0.7, 0.7],
      [0.7, 0.7],
    ],
    5: [
      [0.9, 0.4],
      [0.9, 0.4],
    ],
    6: [
      [0.85, 0.6],
      [0.85, 0.6],
    ],
  };
  const db = openDatabase(':memory:');
  const store = new SweepStore(db);
  const sweepId = store.submit(makeSweep('p', { classes: ['bottle', 'cable'], sigma: [1, 2, 3, 4, 5, 6, 7] })).sweepId;
  const ins = db.prepare('INSERT INTO metrics (trial_id, name, value, time, final) VALUES (?, ?, ?, 0, 1)');
  for (const t of db.prepare('SELECT id, class, params_json FROM trials WHERE sweep_id = ?').all(sweepId) as {
    id: number;
    class: string;
    params_json: string;
  }[]) {
    const p = JSON.parse(t.params_json) as TrialParams;
    if (p.sigma === 7) {
      if (t.class === 'bottle') {
        ins.run(t.id, 'image_auroc', 0.99);
        ins.run(t.id, 'pixel_auroc', 0.99);
      } // incomplete: cable has nothing
      continue;
    }
    const [img, pix] = VALUES[p.sigma][t.class === 'bottle' ? 0 : 1];
    ins.run(t.id, 'image_auroc', img);
    ins.run(t.id, 'pixel_auroc', pix);
  }

  it('lists the known front (sigma 1, 6, 2, 3 by image AUROC), not the incomplete point', () => {
    const f = buildPareto(store.reads, { sweep: 'p', metrics: ['image_auroc', 'pixel_auroc'] });
    expect(f.considered).toBe(6);
    expect(f.front.map((x) => x.params.sigma)).toEqual([1, 6, 2, 3]);
    expect(f.front.map((x) => [x.values.image_auroc, x.values.pixel_auroc].map((v) => Number(v.toFixed(6))))).toEqual([
      [0.9, 0.5],
      [0.85, 0.6],
      [0.8, 0.8],
      [0.5, 0.9],
    ]);
    expect(paretoText(f)).toMatch(/4 non-dominated of 6 complete points/);
    expect(() => buildPareto(store.reads, { sweep: 'p', metrics: ['image_auroc', 'aupro'] })).toThrow(
      /no final metric 'aupro'/,
    );
  });

  it('best --pareto writes one stage per front point, which expands back to exactly their trials', () => {
    const b = buildBestSweep(store.reads, {
      sweep: 'p',
      metric: 'image_auroc',
      perClass: false,
      pareto: ['image_auroc', 'pixel_auroc'],
    });
    expect(b.winners.map((w) => w.stage)).toEqual(['pareto-1', 'pareto-2', 'pareto-3', 'pareto-4']);
    const back = expandSweepText(b.yaml, '/tmp/front.yaml');
    expect(back.trials.map((t) => `${t.params.sigma}/${t.params.class}`).sort()).toEqual(
      ['1', '2', '3', '6'].flatMap((s) => [`${s}/bottle`, `${s}/cable`]).sort(),
    );
    expect(() =>
      buildBestSweep(store.reads, {
        sweep: 'p',
        metric: 'image_auroc',
        perClass: true,
        pareto: ['image_auroc', 'pixel_auroc'],
      }),
    ).toThrow(/cannot be combined/);
  });
});
