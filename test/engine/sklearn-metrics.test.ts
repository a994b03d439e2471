import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { aupro, connectedComponents } from '../../worker/engine/aupro.js';
import { f1Max, perDefectAuroc, rocAuc } from '../../worker/engine/sklearn-metrics.js';
import { argsortDesc } from '../../worker/engine/sort.js';
import { loadFixture } from './fixtures.js';
import { XorShift32 } from './prng.js';

interface AurocCase {
  seed: number;
  n: number;
  rate: number;
  levels: number;
  shift: number;
  auc: number;
  f1: number;
  threshold: number;
}
interface MetricsFx {
  auroc: AurocCase[];
  aupro: { seed: number; shape: [number, number, number]; regions: number; aupro: number; aupro_quantized8: number };
}

/** labels_scores() of the fixture script */
function labelsScores(c: AurocCase): { labels: Uint8Array; scores: Float32Array } {
  const g = new XorShift32(c.seed);
  const u = g.uniform(c.n);
  const labels = Uint8Array.from(u, (v) => ((v + 1) / 2 < c.rate ? 1 : 0));
  const v = g.uniform(c.n);
  const scores = Float32Array.from(v, (x, i) => {
    let s = x + c.shift * labels[i];
    if (c.levels > 0) s = Math.floor((s + 2) * c.levels) / c.levels;
    return s;
  });
  return { labels, scores };
}

/** make_masks() of the fixture script */
function makeMasks(n: number, h: number, w: number): Uint8Array {
  const m = new Uint8Array(n * h * w);
  const set = (i: number, y0: number, y1: number, x0: number, x1: number): void => {
    for (let y = Math.max(0, y0); y < Math.min(h, y1); y++)
      for (let x = Math.max(0, x0); x < Math.min(w, x1); x++) m[(i * h + y) * w + x] = 1;
  };
  for (let i = 1; i < n; i++) {
    set(i, 3 + i, 10 + 3 * i, 5, 9 + 2 * i);
    if (i % 2 === 0) {
      set(i, h - 8, h - 3, w - 4 - i, w - 2);
      set(i, 2, 3, 2, 3);
    }
  }
  return m;
}

const fx = loadFixture<MetricsFx>('metrics.json');

describe('rocAuc and f1Max against sklearn', () => {
  it('roc_auc_score is reproduced exactly (bit for bit), with heavy ties and 200k samples', () => {
    for (const c of fx.auroc) {
      const { labels, scores } = labelsScores(c);
      expect(rocAuc(labels, scores), `n=${c.n} levels=${c.levels}`).toBe(c.auc);
    }
  });
  it('F1-max and its threshold match precision_recall_curve', () => {
    for (const c of fx.auroc) {
      const { labels, scores } = labelsScores(c);
      const r = f1Max(labels, scores);
      expect(Math.abs(r.f1 - c.f1), `n=${c.n}`).toBeLessThanOrEqual(1e-12);
      expect(r.threshold).toBe(c.threshold);
    }
  });
  it('a perfect ranking gives 1, a reversed one 0, all ties 0.5', () => {
    const labels = Uint8Array.from([0, 0, 1, 1]);
    expect(rocAuc(labels, Float32Array.from([0.1, 0.2, 0.3, 0.4]))).toBe(1);
    expect(rocAuc(labels, Float32Array.from([0.4, 0.3, 0.2, 0.1]))).toBe(0);
    expect(rocAuc(labels, Float32Array.from([1, 1, 1, 1]))).toBe(0.5);
  });
  it('rejects one-class labels and NaN scores instead of returning NaN', () => {
    expect(() => rocAuc(Uint8Array.from([1, 1]), Float32Array.from([0.1, 0.2]))).toThrow(ShapeError);
    expect(() => rocAuc(Uint8Array.from([0, 1]), Float32Array.from([Number.NaN, 0.2]))).toThrow(
      /NaN in scores \(index=0/,
    );
  });
});

describe('argsortDesc', () => {
  it('orders negative, zero, -0 and positive floats descending', () => {
    const s = Float32Array.from([0.5, -2, 0, -0, 3.25, -0.001, 1e-30, -1e30]);
    const o = argsortDesc(s);
    const sorted = Array.from(o, (i) => s[i]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]).toBeGreaterThanOrEqual(sorted[i]);
    expect(sorted[0]).toBe(3.25);
    expect(sorted[7]).toBe(Math.fround(-1e30));
  });
});

describe('aupro against the MVTec definition (numpy/scipy reference)', () => {
  const [n, h, w] = fx.aupro.shape;
  const masks = makeMasks(n, h, w);
  const g = new XorShift32(fx.aupro.seed);
  const u = g.uniform(n * h * w);
  const scores = Float32Array.from(u, (v, i) => v + 0.8 * masks[i]);
  it('finds the same 8-connected regions', () => {
    let regions = 0;
    const lab = new Int32Array(h * w);
    for (let i = 0; i < n; i++) {
      lab.fill(0);
      regions += connectedComponents(masks, i * h * w, h, w, lab);
    }
    expect(regions).toBe(fx.aupro.regions);
  });
  it('is within 1e-4 of the reference, with and without ties', () => {
    expect(Math.abs(aupro(masks, scores, n, h, w) - fx.aupro.aupro)).toBeLessThanOrEqual(1e-4);
    const q = Float32Array.from(scores, (v) => Math.floor((v + 1) * 8) / 8);
    expect(Math.abs(aupro(masks, q, n, h, w) - fx.aupro.aupro_quantized8)).toBeLessThanOrEqual(1e-4);
    expect(fx.aupro.aupro).toBeGreaterThan(0.3); // the fixture is informative
    expect(fx.aupro.aupro).toBeLessThan(0.99);
  });
  it('rejects masks without regions', () => {
    expect(() => aupro(new Uint8Array(8), new Float32Array(8), 2, 2, 2)).toThrow(/regions=0/);
  });
});

describe('perDefectAuroc', () => {
  it('scores each defect type against the good images', () => {
    const r = perDefectAuroc(['good', 'good', 'crack', 'crack', 'hole'], Float32Array.from([0.1, 0.5, 0.9, 0.3, 0.2]));
    expect(r.crack).toBe(0.75);
    expect(r.hole).toBe(0.5);
    expect(Object.keys(r)).toEqual(['crack', 'hole']);
  });
});

describe('perDefectAuroc without normal images', () => {
  it('names the defect instead of returning NaN', () => {
    expect(() => perDefectAuroc(['crack', 'hole'], Float32Array.from([0.1, 0.2]))).toThrow(/'crack' needs normal/);
  });
});
