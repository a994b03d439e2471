/**
 * `wepadim export`: the original tool's ranked grid summaries, with the real parameter values (the original
 * wrote "unknown"/0 there), and a paper-style per-class table.
 *  - ranked:    one row per grid point, ranked by the class mean of --metric, every parameter that matters
 *  - long:      the original's long CSV (wavelet_type, wavelet_level, wavelet_kept_subbands, sigma, cov_reg,
 *               metric = avg_img_auc | avg_pixel_auc, value, time), ranked, plus a model column
 *  - per-class: per class, the image/pixel AUROC of the point selected by class mean, and the per-class
 *               optimized best; with honest columns when trials used selection; a Mean row last
 *  - models:    the original's model_comparison.csv, one row per backbone (export-models.ts)
 * A command sweep gets its own columns instead (export-command.ts).
 */
import type { Cell, Row } from '../../shared/table.js';
import { METRIC } from '../../shared/result.js';
import { CORE_PARAMS, TRIAL_PARAMS, type ParamSpec } from '../../shared/params/catalogue.js';
import type { StoreReads } from '../store/reads/index.js';
import { UserError } from '../../shared/errors.js';
import type { ParamFilter } from './filters.js';
import type { ColumnType, Table } from './formats.js';
import { commandExport } from './export-command.js';
import { modelComparisonTable } from './export-models.js';
import { honestSummary } from './honest.js';
import { paramCell, paramText, varyingKeys } from './params-view.js';
import { type Order, type PointScore } from '../store/reads/index.js';

export const EXPORT_TABLES = ['ranked', 'long', 'per-class', 'models', 'trials'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface ExportRequest {
  sweep: string;
  table: ExportTable;
  /** ranking / selection metric; default image_auroc */
  metric?: string;
  filters?: readonly ParamFilter[];
  completeOnly?: boolean;
  order?: Order;
  /** per-class: include code version, backend, weights and dataset root of each selected trial */
  provenance?: boolean;
  /** ranked and long: only the best `top` grid points */
  top?: number;
}

const IMG = METRIC.imageAuroc;
const PIX = METRIC.pixelAuroc;
const TIME = METRIC.timeTotal;

export function buildExport(reads: StoreReads, req: ExportRequest): Table {
  const sweepId = reads.sweepId(req.sweep);
  const command = reads.isCommandSweep(sweepId);
  if (req.table === 'trials')
    return command
      ? commandExport(reads, sweepId, { ...req, metric: req.metric ?? IMG }, {}, [])
      : trialsTable(reads, sweepId, req.sweep);
  const metric = req.metric ?? IMG;
  const opts = { filters: req.filters ?? [], completeOnly: req.completeOnly ?? false, order: req.order };
  const points = reads.rankPoints(sweepId, metric, opts);
  if (points.length === 0 && !reads.metricNames(sweepId).includes(metric))
    throw new UserError(
      `sweep ${req.sweep} has no final metric '${metric}' (recorded: ${reads.metricNames(sweepId).join(', ') || 'none yet'})`,
    );
  if (command) return commandExport(reads, sweepId, { ...req, metric }, opts, points);
  if (req.table === 'per-class') return perClassTable(reads, sweepId, req, metric, opts, points);
  if (req.table === 'models') return modelComparisonTable(reads, sweepId, req.sweep, metric, points, opts);
  if (req.top !== undefined && (!Number.isInteger(req.top) || req.top < 1))
    throw new UserError(`--top must be a positive integer, got ${req.top}`);
  const shown = req.top === undefined ? points : points.slice(0, req.top);
  const extra = metric === IMG || metric === PIX ? [] : [metric];
  const agg = reads.pointAggregates(sweepId, [IMG, PIX, TIME, ...extra], opts.filters);
  const val = (point: string, name: string, field: 'mean' | 'sum' = 'mean'): Cell =>
    agg.get(point)?.get(name)?.[field] ?? null;
  if (req.table === 'long') {
    const rows: Row[] = [];
    for (const p of shown) {
      for (const [label, name] of [
        ['avg_img_auc', IMG],
        ['avg_pixel_auc', PIX],
      ] as const) {
        const v = val(p.point, name);
        if (v === null) continue;
        rows.push({
          model: String(p.params.backbone),
          wavelet_type: String(p.params.wavelet),
          wavelet_level: Number(p.params.level),
          wavelet_kept_subbands: paramText(p.params.subbands), // LL+LH+HL, as --where and every other table write it
          sigma: Number(p.params.sigma),
          cov_reg: Number(p.params.cov_reg),
          metric: label,
          value: v,
          time: val(p.point, TIME, 'sum'),
        });
      }
    }
    const columns = [
      'model',
      'wavelet_type',
      'wavelet_level',
      'wavelet_kept_subbands',
      'sigma',
      'cov_reg',
      'metric',
      'value',
      'time',
    ];
    return { title: `${req.sweep}: grid search results ranked by ${metric}`, columns, rows };
  }
  const varying = varyingKeys(points.map((p) => p.params)).filter((k) => !CORE_PARAMS.includes(k));
  const paramCols = [...CORE_PARAMS, ...varying];
  const rows: Row[] = shown.map((p, i) => {
    const r: Row = { rank: i + 1 };
    for (const k of paramCols) r[k] = paramCell(p.params[k]);
    r[IMG] = val(p.point, IMG);
    r[PIX] = val(p.point, PIX);
    for (const m of extra) r[m] = p.mean;
    r.classes = `${p.classes}/${p.trials}`;
    r.time_s = val(p.point, TIME, 'sum');
    return r;
  });
  return {
    title: `${req.sweep}: grid points ranked by class-mean ${metric}`,
    columns: ['rank', ...paramCols, IMG, PIX, ...extra, 'classes', 'time_s'],
    rows,
  };
}

function perClassTable(
  reads: StoreReads,
  sweepId: number,
  req: ExportRequest,
  metric: string,
  opts: { filters: readonly ParamFilter[]; completeOnly: boolean; order?: Order },
  points: readonly PointScore[],
): Table {
  const selected = points[0];
  const classes: string[] = [];
  const rows = new Map<string, Row>();
  const row = (c: string): Row => {
    let r = rows.get(c);
    if (!r) {
      classes.push(c);
      rows.set(c, (r = { class: c }));
    }
    return r;
  };
  if (selected) {
    const img = reads.pointClassValues(sweepId, selected.point, IMG);
    const pix = new Map(reads.pointClassValues(sweepId, selected.point, PIX).map((v) => [v.class, v.value]));
    for (const v of img) {
      const r = row(v.class);
      r[IMG] = v.value;
      r[PIX] = pix.get(v.class) ?? null;
      if (req.provenance) Object.assign(r, reads.provenance(v.trialId) ?? {});
    }
  }
  for (const [name, col] of [
    [IMG, `${IMG}_best`],
    [PIX, `${PIX}_best`],
  ] as const)
    for (const b of reads.bestPerClass(sweepId, name, { ...opts, order: undefined, top: 1 }))
      row(b.class)[col] = b.value;
  const columns = ['class', IMG, PIX, `${IMG}_best`, `${PIX}_best`];
  const honest = honestSummary(reads, sweepId, metric, opts);
  if (honest) {
    const hPoint = new Map(
      reads.pointClassValues(sweepId, honest.mean.point, honest.repMetric).map((v) => [v.class, v.value]),
    );
    for (const c of classes) row(c)[`${metric}_honest`] = hPoint.get(c) ?? null;
    for (const h of honest.perClass) row(h.class)[`${metric}_honest_best`] = h.rep;
    columns.push(`${metric}_honest`, `${metric}_honest_best`);
  }
  const body = classes.map((c) => rows.get(c)!);
  const mean: Row = { class: 'Mean' };
  for (const col of columns.slice(1)) {
    const xs = body.map((r) => r[col]).filter((v): v is number => typeof v === 'number');
    mean[col] = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  }
  if (req.provenance) columns.push('code_version', 'backend', 'weights', 'dataset_root');
  const chosen = varyingKeys(points.map((p) => p.params));
  const desc = selected ? chosen.map((k) => `${k}=${paramCell(selected.params[k])}`).join(', ') : 'none';
  return {
    title: `${req.sweep}: per-class AUROC of the point with the best class-mean ${metric} (${desc}) and per-class best`,
    columns,
    rows: [...body, mean],
  };
}

/**
 * One row per trial: its key prefix, class, status, every parameter (subbands as LL+LH+HL) and every final
 * metric as its own column (image/pixel AUROC, aupro, f1_max, per-defect AUROCs, timings); a tidy frame.
 */
function trialsTable(reads: StoreReads, sweepId: number, sweep: string): Table {
  const rows = reads.trialMetricRows(sweepId);
  const paramCols = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].filter((k) => k !== 'class');
  paramCols.sort(
    (a, b) => (CORE_PARAMS.indexOf(a) + 1 || 99) - (CORE_PARAMS.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const metricCols = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const types: Record<string, ColumnType> = { trial: 'string', class: 'string', status: 'string', attempts: 'int64' };
  for (const k of paramCols) {
    const t = paramColumnType(k);
    if (t) types[k] = t;
  }
  for (const m of metricCols) types[m] = 'double'; // an AUROC of exactly 1 is still a double
  return {
    title: `${sweep}: every trial with every final metric`,
    columns: ['trial', 'class', 'status', 'attempts', ...paramCols, ...metricCols],
    types,
    rows: rows.map((r) => {
      const row: Row = { trial: r.key.slice(0, 12), class: r.class, status: r.status, attempts: r.attempts };
      for (const k of paramCols) {
        const v = r.params[k];
        const numeric = types[k] === 'double' || types[k] === 'int64';
        row[k] = numeric ? (typeof v === 'number' ? v : null) : paramCell(v); // a missing number is null, not 'none'
      }
      for (const m of metricCols) row[m] = r.metrics[m] ?? null;
      return row;
    }),
  };
}

/**
 * A catalogue parameter's column type: numbers are int64 when the catalogue allows only integers (level), else
 * double (sigma 2.0 stays a double); every other kind is shown as text (subbands LL+LH+HL, objects k=v). Parameters
 * outside the catalogue are typed from their values.
 */
function paramColumnType(name: string): ColumnType | null {
  const spec = (TRIAL_PARAMS as Record<string, ParamSpec | undefined>)[name];
  if (!spec) return null;
  if (spec.kind !== 'number') return 'string';
  const integerOnly = spec.check !== undefined && spec.check(1) === null && spec.check(1.5) !== null;
  return integerOnly ? 'int64' : 'double';
}
