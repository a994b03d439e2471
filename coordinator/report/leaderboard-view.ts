/** Human text for `wepadim leaderboard`: the ranking, the marginal means and the honest-selection numbers. */
import { renderTable, type Row } from '../../shared/table.js';
import type { HonestSummary } from './honest.js';
import type { Leaderboard } from './leaderboard.js';
import { paramText } from './params-view.js';
import { shortKey } from '../../shared/trial.js';

/**
 * Metric columns as fixed-decimal text padded to one width (1 -> "1.0000" beside "0.7500"); shared/table
 * would print integers without decimals. Missing values become "-".
 */
function fixed(rows: Row[], cols: readonly string[], digits: number): Row[] {
  for (const c of cols) {
    const texts = rows.map((r) => (typeof r[c] === 'number' ? r[c].toFixed(digits) : '-'));
    const w = Math.max(0, ...texts.map((x) => x.length));
    rows.forEach((r, i) => (r[c] = texts[i].padStart(w)));
  }
  return rows;
}

function paramsRow(params: Record<string, unknown>, keys: readonly string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, paramText(params[k])]));
}

function describePoint(params: Record<string, unknown>, keys: readonly string[]): string {
  return keys.length ? keys.map((k) => `${k}=${paramText(params[k])}`).join(' ') : '(the only grid point)';
}

function honestText(h: HonestSummary, varying: readonly string[], digits: number): string {
  const f = (v: number | null): string => (v === null ? '-' : v.toFixed(digits));
  const lines = [
    `Honest selection (choose on ${h.selMetric}, report ${h.repMetric}; optimistic = ${h.metric} chosen on the full test set):`,
    `  class mean: chosen ${describePoint(h.mean.params, varying)}: ${h.repMetric} ${f(h.mean.repMean)}` +
      ` over ${h.mean.repClasses}/${h.mean.classes} classes, optimistic ${f(h.mean.optimisticMean)}`,
    `  per class: mean ${h.repMetric} ${f(h.perClassRepMean)}, optimistic ${f(h.perClassOptimisticMean)}`,
  ];
  const rows = h.perClass.map((r) => ({
    class: r.class,
    [h.selMetric]: r.sel,
    [h.repMetric]: r.rep,
    optimistic: r.optimistic,
    ...paramsRow(r.params, varying),
  }));
  return lines.join('\n') + '\n' + renderTable(fixed(rows, [h.selMetric, h.repMetric, 'optimistic'], digits));
}

export function leaderboardText(lb: Leaderboard, digits = 4): string {
  const parts: string[] = [];
  const better = lb.order === 'desc' ? 'higher is better' : 'lower is better';
  if (lb.mode === 'mean') {
    parts.push(
      `Sweep ${lb.sweep}: grid points by class-mean ${lb.metric} (${better}); ${lb.completePoints} of ${lb.totalPoints} points complete` +
        (lb.completePoints < lb.totalPoints
          ? ' (incomplete points: mean over the classes done so far, ranked last)'
          : ''),
    );
    const also = lb.points.length ? Object.keys(lb.points[0].also) : [];
    const rungs = lb.points.some((p) => p.rung !== null);
    const rows = lb.points.map((p) => ({
      rank: p.rank,
      ...(rungs ? { rung: p.rung ?? '-' } : {}),
      [lb.metric]: p.mean,
      ...p.also,
      classes: `${p.classes}/${p.trials}`,
      ...paramsRow(p.params, lb.varying),
    }));
    parts.push(
      rows.length ? renderTable(fixed(rows, [lb.metric, ...also], digits)) : '(no grid point has this metric yet)',
    );
  } else if (lb.perClass) {
    parts.push(
      `Sweep ${lb.sweep}: best ${lb.metric} per class (${better}); mean of the per-class best over ${lb.perClass.classes} classes: ${lb.perClass.meanOfBest.toFixed(digits)}`,
    );
    const also = lb.perClass.entries.length ? Object.keys(lb.perClass.entries[0].also) : [];
    const rows = lb.perClass.entries.map((e) => ({
      class: e.class,
      rank: e.rank,
      [lb.metric]: e.value,
      ...e.also,
      trial: shortKey(e.key),
      ...paramsRow(e.params, lb.varying),
    }));
    parts.push(rows.length ? renderTable(fixed(rows, [lb.metric, ...also], digits)) : '(no trial has this metric yet)');
  }
  if (lb.marginals.length) {
    parts.push(`Marginal means of the class-mean ${lb.metric} per parameter value:`);
    const rows = lb.marginals.map((m) => ({
      param: m.param,
      value: String(m.value),
      mean: m.mean,
      best: m.best,
      points: m.points,
    }));
    parts.push(renderTable(fixed(rows, ['mean', 'best'], digits)));
  }
  if (lb.honest) parts.push(honestText(lb.honest, lb.varying, digits));
  return parts.join('\n\n') + '\n';
}
