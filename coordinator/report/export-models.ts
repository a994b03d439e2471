/**
 * The original tool's `model_comparison.csv`: one row per backbone with the parameters of its best grid point
 * (by class-mean --metric) and its best class-mean image AUROC, pixel AUROC and AUPRO over all its points.
 */
import type { Row } from '../../shared/table.js';
import { METRIC } from '../../shared/result.js';
import type { StoreReads } from '../store/reads/index.js';
import type { ParamFilter } from './filters.js';
import type { Table } from './formats.js';
import { paramText } from './params-view.js';
import { type Order, type PointScore } from '../store/reads/index.js';

export function modelComparisonTable(
  reads: StoreReads,
  sweepId: number,
  sweep: string,
  metric: string,
  points: readonly PointScore[],
  opts: { filters: readonly ParamFilter[]; completeOnly: boolean; order?: Order },
): Table {
  const backbones = [...new Set(points.map((p) => String(p.params.backbone)))];
  const rows: Row[] = backbones.map((b) => {
    const filters = [...opts.filters, { key: 'backbone', values: [b] }];
    const best = (m: string): number | null =>
      reads.rankPoints(sweepId, m, { ...opts, filters, order: undefined })[0]?.mean ?? null;
    const win = points.find((p) => p.params.backbone === b) as PointScore; // points are ranked: first = best
    return {
      model: b,
      wavelet_type: String(win.params.wavelet),
      wavelet_level: Number(win.params.level),
      wavelet_kept_subbands: paramText(win.params.subbands),
      sigma: Number(win.params.sigma),
      cov_reg: Number(win.params.cov_reg),
      best_img_auc: best(METRIC.imageAuroc),
      best_pixel_auc: best(METRIC.pixelAuroc),
      best_pro_score: best(METRIC.aupro),
    };
  });
  return {
    title: `${sweep}: best configuration per backbone (selected on class-mean ${metric})`,
    columns: [
      'model',
      'wavelet_type',
      'wavelet_level',
      'wavelet_kept_subbands',
      'sigma',
      'cov_reg',
      'best_img_auc',
      'best_pixel_auc',
      'best_pro_score',
    ],
    rows,
  };
}
