// Plots of the grid: heatmaps sigma x cov_reg faceted by the other varying parameters, parallel
// coordinates over every swept parameter, image vs pixel AUROC with its Pareto front, and per-class bars
// of each class's best configuration against the best single configuration.
import { html } from 'htm/preact';
import { Chart, HEAT } from '../charts.js';
import { fmt, href, Loading, metricLabel, setQuery, useApi } from '../lib.js';

const AXIS_NAME = { sigma: 'sigma: smoothing σ (px)', cov_reg: 'cov_reg: added to Σ diagonal' };

function heatmapOption(v) {
  const hm = v.heatmap;
  const n = hm.facets.length;
  const cols = Math.min(n, 3);
  const rows = Math.ceil(n / cols);
  const values = hm.cells.map((c) => c.value);
  const lo = Math.min(...values), hi = Math.max(...values);
  const W = 100 / cols;
  const grid = [], xAxis = [], yAxis = [], series = [], title = [];
  hm.facets.forEach((f, i) => {
    const r = Math.floor(i / cols), c = i % cols;
    const top = 90 + r * 300;
    grid.push({ left: `${c * W + 9}%`, width: `${W - 14}%`, top, height: 200 });
    title.push({ text: f, left: `${c * W + 9}%`, top: top - 24, textStyle: { fontSize: 12, fontWeight: 600 } });
    xAxis.push({ type: 'category', gridIndex: i, data: hm.sigma, name: AXIS_NAME.sigma, nameLocation: 'middle', nameGap: 26, splitArea: { show: true } });
    yAxis.push({ type: 'category', gridIndex: i, data: hm.cov_reg, name: AXIS_NAME.cov_reg, nameLocation: 'middle', nameGap: 52, splitArea: { show: true } });
    series.push({
      type: 'heatmap', name: f, xAxisIndex: i, yAxisIndex: i,
      data: hm.cells.filter((x) => x.facet === f).map((x) => ({ value: [hm.sigma.indexOf(x.sigma), hm.cov_reg.indexOf(x.cov_reg), x.value], cell: x })),
      label: { show: true, formatter: (p) => p.value[2].toFixed(3), fontSize: 11 },
      emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
    });
  });
  return {
    height: rows * 300 + 70,
    option: {
      animation: false, title, grid, xAxis, yAxis, series,
      tooltip: { formatter: (p) => `${p.seriesName}<br>sigma ${p.data.cell.sigma} px, cov_reg ${p.data.cell.cov_reg}<br>${v.metric}: <b>${p.value[2].toFixed(4)}</b> (${p.data.cell.classes}/${p.data.cell.trials} classes)` },
      visualMap: { min: lo, max: hi === lo ? lo + 1e-9 : hi, precision: 3, calculable: false, orient: 'horizontal', left: 'center', top: 0, itemWidth: 14, itemHeight: 300, text: [`${fmt(hi, 3)}   ${metricLabel(v.metric)}${v.class ? ` on ${v.class}` : ', class mean'}`, fmt(lo, 3)], inRange: { color: v.order === 'asc' ? [...HEAT].reverse() : HEAT } },
    },
  };
}

function parallelOption(v) {
  const p = v.parallel;
  const dims = [...p.dims, v.metric];
  const numeric = p.dims.map((d) => p.rows.every((r) => typeof r.params[d] === 'number'));
  const values = p.rows.map((r) => r.value);
  const lo = Math.min(...values), hi = Math.max(...values);
  const parallelAxis = dims.map((d, i) =>
    i === p.dims.length
      ? { dim: i, name: metricLabel(v.metric), type: 'value', min: lo, max: hi, nameTextStyle: { fontWeight: 600 }, axisLabel: { formatter: (x) => x.toFixed(3) } }
      : numeric[i]
        ? { dim: i, name: d === 'sigma' ? 'sigma (px)' : d, type: 'category', data: [...new Set(p.rows.map((r) => r.params[d]))].sort((a, b) => a - b).map(String) }
        : { dim: i, name: d, type: 'category', data: [...new Set(p.rows.map((r) => String(r.params[d])))].sort() },
  );
  return {
    animation: false,
    parallel: { left: 60, right: 170, top: 60, bottom: 40 },
    parallelAxis,
    visualMap: { min: lo, max: hi === lo ? lo + 1e-9 : hi, precision: 3, dimension: p.dims.length, right: 10, top: 'middle', calculable: false, text: [fmt(hi, 3), fmt(lo, 3)], inRange: { color: v.order === 'asc' ? ['#1a9850', '#fee08b', '#d73027'] : ['#d73027', '#fee08b', '#1a9850'] } },
    series: [{ type: 'parallel', lineStyle: { width: 1.2, opacity: 0.55 }, data: p.rows.map((r) => [...p.dims.map((d) => String(r.params[d])), r.value]) }],
  };
}

function scatterOption(sc) {
  const pts = sc.points;
  const front = pts.filter((p) => p.pareto).sort((a, b) => a.image - b.image);
  const tip = (p) => `${p.data.label}<br>image AUROC ${p.data.value[0].toFixed(4)}<br>pixel AUROC ${p.data.value[1].toFixed(4)}`;
  return {
    animation: false,
    grid: { left: 70, right: 30, top: 40, bottom: 55 },
    legend: { top: 5 },
    tooltip: { formatter: tip },
    xAxis: { type: 'value', name: 'image AUROC, class mean (0–1)', nameLocation: 'middle', nameGap: 30, scale: true },
    yAxis: { type: 'value', name: 'pixel AUROC, class mean (0–1)', nameLocation: 'middle', nameGap: 50, scale: true },
    series: [
      { type: 'scatter', name: 'grid points', symbolSize: 7, itemStyle: { color: '#6b8fd6', opacity: 0.7 }, data: pts.map((p) => ({ value: [p.image, p.pixel], label: p.label })) },
      { type: 'line', name: 'Pareto front', step: 'end', symbolSize: 9, itemStyle: { color: '#c4443c' }, lineStyle: { color: '#c4443c' }, data: front.map((p) => ({ value: [p.image, p.pixel], label: p.label })) },
    ],
  };
}

function barsOption(b) {
  const v = b;
  return {
    animation: false,
    grid: { left: 80, right: 20, top: 20, bottom: 90 },
    legend: { bottom: 0, orient: 'vertical' },
    tooltip: { trigger: 'axis', valueFormatter: (x) => (x === null || x === undefined ? '–' : x.toFixed(4)) },
    xAxis: { type: 'category', data: b.classes },
    yAxis: { type: 'value', name: metricLabel(v.metric), nameLocation: 'middle', nameGap: 55, min: (e) => (e.min >= 0 && e.max <= 1 ? Math.max(0, Math.floor(e.min * 20) / 20 - 0.05) : 0) },
    series: [
      { type: 'bar', name: 'best configuration of each class', data: b.best, itemStyle: { color: '#2458c6' } },
      { type: 'bar', name: `best single configuration (${b.singleLabel || 'the only point'})`, data: b.single, itemStyle: { color: '#b0b8c8' } },
    ],
  };
}

export function PlotsPage({ name, query }) {
  const metric = query.get('metric') ?? 'image_auroc';
  const cls = query.get('class') ?? '';
  const p = new URLSearchParams({ sweep: name, metric, class: cls });
  for (const w of query.getAll('where')) p.append('where', w);
  const noClass = new URLSearchParams(p);
  noClass.delete('class');
  const g = useApi(`/api/plots/grid?${p}`);
  const sc = useApi(`/api/plots/scatter?${noClass}`);
  const bars = useApi(`/api/plots/bars?${noClass}`);
  if (!g.data) return html`<${Loading} state=${g} />`;
  const v = g.data;
  const metrics = v.metrics.includes(metric) ? v.metrics : [metric, ...v.metrics];
  const hm = v.heatmap.cells.length ? heatmapOption(v) : null;
  return html`<h1>Plots of ${name}</h1>
    <div class="controls">
      <label>metric<select data-control="metric" value=${metric} onChange=${(e) => setQuery({ metric: e.target.value })}>${metrics.map((m) => html`<option value=${m}>${m}</option>`)}</select></label>
      <label>class<select data-control="class" value=${cls} onChange=${(e) => setQuery({ class: e.target.value })}><option value="">class mean</option>${v.classes.map((c) => html`<option value=${c}>${c}</option>`)}</select></label>
      ${query.getAll('where').length ? html`<span class="small muted">where ${query.getAll('where').join(' ')}</span>` : null}
      <a href=${href('sweep', name, { metric })}>← leaderboard</a>
    </div>
    <div class="card"><h3>Heatmap: ${metric}${cls ? ` on ${cls}` : ', class mean'} over sigma × cov_reg${v.heatmap.facetKeys.length ? `, one panel per ${v.heatmap.facetKeys.join(' × ')}` : ''}</h3>
      ${hm ? html`<${Chart} name="heatmap" option=${hm.option} height=${hm.height} />` : html`<p class="muted">No grid point has ${metric} yet.</p>`}</div>
    <div class="card"><h3>Parallel coordinates over every swept parameter (${v.parallel.rows.length < v.parallel.total ? `the best ${v.parallel.rows.length} of ${v.parallel.total}` : v.parallel.total} grid points)</h3>
      ${v.parallel.rows.length ? html`<${Chart} name="parallel" option=${parallelOption(v)} height=${380} />` : html`<p class="muted">No data yet.</p>`}</div>
    <div class="row">
      <div class="card"><h3>Image vs pixel AUROC per grid point, with the Pareto front</h3>
        ${!sc.data ? html`<${Loading} state=${sc} />` : sc.data.points.length ? html`<${Chart} name="scatter" option=${scatterOption(sc.data)} height=${400} />` : html`<p class="muted">No grid point has both AUROCs yet.</p>`}</div>
      <div class="card"><h3>Per class: each class's best configuration vs the best single configuration (${metric})</h3>
        ${!bars.data ? html`<${Loading} state=${bars} />` : bars.data.classes.length ? html`<${Chart} name="bars" option=${barsOption(bars.data)} height=${400} />` : html`<p class="muted">No data yet.</p>`}</div>
    </div>`;
}
