/**
 * rankPoints and bestPerClass (results.ts) computed from the in-memory FinalMetricIndex instead of SQL, with
 * identical results: the class mean is SQLite's avg() (Kahan-Babuska-Neumaier sum in trial id order, the order
 * the SQL groups read the trials_by_point index in), means that are within 2e-12 of each other are ordered by
 * SQLite's own round(mean, 12) then first trial id, and filters follow json_extract's types (a number matches
 * numbers, a string strings, an array its JSON text). Null means "not covered" (a filter on `command`, a JSON
 * filter on a scalar): the caller runs the SQL.
 */
import type { ParamFilter } from './filter-sql.js';
import { pointParams, type Column, type FinalMetricIndex, type SweepTrials } from './final-index.js';
import { defaultOrder, type PointScore, type RankOptions } from './results.js';

/** json_extract(params, '$.a.b') IN (values) / IS NULL, on parsed params; undefined = not covered here. */
function matches(v: unknown, f: ParamFilter): boolean | undefined {
  if (v === undefined || v === null) return f.values.includes(null);
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (typeof v === 'number') return f.json ? undefined : f.values.some((x) => typeof x === 'number' && x === v);
  if (typeof v === 'string') return f.json ? undefined : f.values.some((x) => x === v);
  const text = JSON.stringify(v);
  return f.values.some((x) => x === text);
}

function valueAt(params: Readonly<Record<string, unknown>>, key: string): unknown {
  let v: unknown = params;
  for (const k of key.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Per trial (index into s.ids): does it pass the filters? null when a filter is not covered. */
function trialMask(s: SweepTrials, filters: readonly ParamFilter[]): Uint8Array | null {
  const pointOk = new Uint8Array(s.points.length).fill(1);
  const classOk = new Uint8Array(s.classes.length).fill(1);
  for (const f of filters) {
    if (f.key === 'command' || f.key.startsWith('command.')) return null; // point_json drops command.budget
    const onClass = f.key === 'class';
    const n = onClass ? s.classes.length : s.points.length;
    for (let i = 0; i < n; i++) {
      const ok = matches(onClass ? s.classes[i] : valueAt(pointParams(s, i), f.key), f);
      if (ok === undefined) return null;
      if (!ok) (onClass ? classOk : pointOk)[i] = 0;
    }
  }
  const mask = new Uint8Array(s.ids.length);
  for (let t = 0; t < s.ids.length; t++) mask[t] = pointOk[s.point[t]] & classOk[s.cls[t]];
  return mask;
}

interface Aggregate {
  /** per point: SQLite's avg() of the values (NaN: none), how many values, trials, and its first trial id */
  mean: Float64Array;
  classes: Int32Array;
  count: Int32Array;
  first: Float64Array;
}

/** Per grid point, over the trials the mask keeps: avg() as SQLite computes it, reading the trials in id order. */
function aggregate(s: SweepTrials, values: Column, mask: Uint8Array): Aggregate {
  const n = s.points.length;
  const sum = new Float64Array(n);
  const err = new Float64Array(n);
  const classes = new Int32Array(n);
  const count = new Int32Array(n);
  const first = new Float64Array(n);
  for (let t = 0; t < s.ids.length; t++) {
    if (!mask[t]) continue;
    const p = s.point[t];
    if (count[p]++ === 0) first[p] = s.ids[t];
    const v = values.get(s.ids[t]);
    if (Number.isNaN(v)) continue;
    classes[p]++;
    // SQLite's sumStep (kahanBabuskaNeumaierStep), then avgFinalize
    const x = sum[p];
    const y = x + v;
    err[p] += Math.abs(x) > Math.abs(v) ? x - y + v : v - y + x;
    sum[p] = y;
  }
  const mean = new Float64Array(n);
  for (let p = 0; p < n; p++)
    mean[p] = classes[p] === 0 ? NaN : (Number.isFinite(err[p]) ? sum[p] + err[p] : sum[p]) / classes[p];
  return { mean, classes, count, first };
}

/** pointMeans (dashboard.ts): every point with a trial kept by the filters, in first-trial order, with each metric's mean. */
export function pointMeansIndexed(
  index: FinalMetricIndex,
  sweepId: number,
  metrics: readonly string[],
  filters: readonly ParamFilter[],
): { point: string; means: (number | null)[] }[] | null {
  const views = metrics.map((m) => index.view(sweepId, m));
  if (views.length === 0 || views.some((v) => v === null)) return null;
  const s = views[0]!.trials;
  const mask = trialMask(s, filters);
  if (!mask) return null;
  const aggs = views.map((v) => aggregate(s, v!.values, mask));
  const { count, first } = aggs[0];
  const points = [...s.points.keys()].filter((p) => count[p] > 0).sort((a, b) => first[a] - first[b]);
  return points.map((p) => ({
    point: s.points[p],
    means: aggs.map((a) => (a.classes[p] === 0 ? null : a.mean[p])),
  }));
}

export function rankIndexed(
  index: FinalMetricIndex,
  sweepId: number,
  metric: string,
  opts: RankOptions,
): PointScore[] | null {
  const view = index.view(sweepId, metric);
  if (!view) return null;
  const { trials: s, values } = view;
  const mask = trialMask(s, opts.filters ?? []);
  if (!mask) return null;
  const { mean, classes, count, first } = aggregate(s, values, mask);
  const out: PointScore[] = [];
  for (let p = 0; p < s.points.length; p++) {
    if (classes[p] === 0 || (opts.completeOnly && classes[p] !== count[p])) continue;
    out.push({
      point: s.points[p],
      params: pointParams(s, p),
      mean: mean[p],
      classes: classes[p],
      trials: count[p],
      complete: classes[p] === count[p],
      firstTrialId: first[p],
      rung: null,
    });
  }
  const sign = (opts.order ?? defaultOrder(metric)) === 'asc' ? 1 : -1;
  const byRaw = (a: PointScore, b: PointScore): number =>
    Number(b.complete) - Number(a.complete) || sign * (a.mean - b.mean) || a.firstTrialId - b.firstTrialId;
  out.sort(byRaw);
  // runs of near-equal means: order them as SQL does, by round(mean, 12) and then the first trial id
  for (let i = 0; i < out.length;) {
    let j = i + 1;
    while (j < out.length && out[j].complete === out[i].complete && Math.abs(out[j].mean - out[j - 1].mean) <= 2e-12)
      j++;
    if (j - i > 1) {
      const run = out.slice(i, j).map((p) => ({ p, key: index.round12(p.mean) }));
      run.sort((a, b) => sign * (a.key - b.key) || a.p.firstTrialId - b.p.firstTrialId);
      run.forEach((r, k) => (out[i + k] = r.p));
    }
    i = j;
  }
  return out;
}

export interface IndexedClassEntry {
  class: string;
  rank: number;
  trialId: number;
  point: string;
  value: number;
}

/** The top `top` trials of every class by value (then lowest id), classes ordered by their first trial with a value. */
export function bestPerClassIndexed(
  index: FinalMetricIndex,
  sweepId: number,
  metric: string,
  opts: RankOptions & { top?: number },
): IndexedClassEntry[] | null {
  const view = index.view(sweepId, metric);
  if (!view) return null;
  const { trials: s, values } = view;
  const mask = trialMask(s, opts.filters ?? []);
  if (!mask) return null;
  const top = opts.top ?? 1;
  const sign = (opts.order ?? defaultOrder(metric)) === 'asc' ? 1 : -1;
  const better = (v: number, id: number, w: number, wid: number): boolean =>
    sign * (v - w) < 0 || (v === w && id < wid);
  // per class: its first trial with a value, and its best `top` (trial index, value), kept sorted
  const firsts = new Float64Array(s.classes.length).fill(Infinity);
  const best: { t: number; v: number }[][] = s.classes.map(() => []);
  for (let t = 0; t < s.ids.length; t++) {
    if (!mask[t]) continue;
    const v = values.get(s.ids[t]);
    if (Number.isNaN(v)) continue;
    const c = s.cls[t];
    if (firsts[c] === Infinity) firsts[c] = s.ids[t];
    const list = best[c];
    if (list.length === top && !better(v, s.ids[t], list[top - 1].v, s.ids[list[top - 1].t])) continue;
    let k = list.length;
    while (k > 0 && better(v, s.ids[t], list[k - 1].v, s.ids[list[k - 1].t])) k--;
    list.splice(k, 0, { t, v });
    if (list.length > top) list.pop();
  }
  const order = s.classes.map((_, c) => c).filter((c) => firsts[c] !== Infinity);
  order.sort((a, b) => firsts[a] - firsts[b]);
  return order.flatMap((c) =>
    best[c].map((e, k) => ({
      class: s.classes[c],
      rank: k + 1,
      trialId: s.ids[e.t],
      point: s.points[s.point[e.t]],
      value: e.v,
    })),
  );
}
