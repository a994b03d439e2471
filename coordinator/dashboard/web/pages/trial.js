// One trial: parameters, provenance, the metric stream over time, per-defect AUROC, phase timings,
// every attempt with its full error text, and the map gallery (artifacts recorded for the trial).
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { Chart } from '../charts.js';
import { cell, duration, fmt, href, Loading, time, useApi } from '../lib.js';

export function streamOption(stream) {
  const names = [...new Set(stream.map((m) => m.name))];
  const t0 = stream.length ? stream[0].time : 0;
  return {
    animation: false,
    grid: { left: 60, right: 20, top: 40, bottom: 50 },
    legend: { top: 5, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: 'time since first report (s)', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'value', scale: true },
    series: names.map((n) => ({ type: 'line', name: n, showSymbol: true, data: stream.filter((m) => m.name === n).map((m) => [(m.time - t0) / 1000, m.value]) })),
  };
}

export function barsOption(entries, axisName) {
  return {
    animation: false,
    grid: { left: 160, right: 40, top: 10, bottom: 40 },
    tooltip: { valueFormatter: (x) => x.toFixed(4) },
    xAxis: { type: 'value', name: axisName, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'category', data: entries.map((e) => e[0]), inverse: true },
    series: [{ type: 'bar', data: entries.map((e) => e[1]), itemStyle: { color: '#2458c6' }, label: { show: true, position: 'right', formatter: (p) => p.value.toFixed(3) } }],
  };
}

export function TrialBody({ v, compact = false }) {
  const t = v.trial;
  const final = Object.entries(v.final);
  const main = final.filter(([k]) => !k.startsWith('time.') && !k.includes('.defect.'));
  const defects = final.filter(([k]) => k.startsWith('image_auroc.defect.')).map(([k, x]) => [k.slice('image_auroc.defect.'.length), x]);
  const phases = final.filter(([k]) => k.startsWith('time.') && k !== 'time.total_s').map(([k, x]) => [k.slice(5).replace(/_s$/, ''), x]);
  const images = v.artifacts.filter((a) => a.image);
  const files = v.artifacts.filter((a) => !a.image);
  return html`
    <div class="row">
      <div class="card"><h3>Parameters</h3><dl class="kv">${Object.entries(t.params).map(([k, x]) => html`<dt>${k}</dt><dd>${cell(x)}</dd>`)}</dl></div>
      <div class="card"><h3>Result</h3>
        <dl class="kv"><dt>status</dt><dd><span class=${`pill ${t.status}`} data-col="status">${t.status}</span></dd>
          <dt>key</dt><dd><code>${t.key}</code></dd><dt>sweep / stage</dt><dd><a href=${href('sweep', t.sweep)}>${t.sweep}</a> / ${t.stage}</dd>
          <dt>attempts</dt><dd>${t.attempts} of ${t.maxAttempts}</dd><dt>finished</dt><dd>${time(t.finishedAt)}</dd>
          ${final.some(([k]) => k === 'time.total_s') ? html`<dt>total time</dt><dd>${duration(v.final['time.total_s'])}</dd>` : null}</dl>
        <table class="small" style="margin-top:.5rem"><tbody>${main.map(([k, x]) => html`<tr data-metric=${k}><td>${k}</td><td class="num">${fmt(x)}</td></tr>`)}</tbody></table>
      </div>
      <div class="card"><h3>Provenance</h3>${v.result ? html`<dl class="kv">
        <dt>code</dt><dd>${v.result.codeVersion}</dd><dt>backend</dt><dd>${v.result.backend}</dd><dt>device</dt><dd>${v.result.device}</dd>
        <dt>weights</dt><dd>${v.result.weights}</dd><dt>dataset</dt><dd>${v.result.datasetRoot}</dd><dt>recorded</dt><dd>${time(v.result.createdAt)}</dd></dl>` : html`<p class="muted">No result yet.</p>`}</div>
    </div>
    <div class="card"><h3>Anomaly maps</h3>
      ${images.length ? html`<div class="gallery">${images.map((a) => html`<figure><a href=${a.url} target="_blank"><img src=${a.url} alt=${a.name ?? a.kind} data-artifact=${a.id} loading="lazy" /></a><figcaption>${a.kind}: ${a.name ?? a.path.split('/').pop()}</figcaption></figure>`)}</div>`
        : html`<p class="muted">No map recorded for this trial (maps are made for each class's best trials).</p>`}
      ${files.length ? html`<p class="small">${files.map((a) => html`<a href=${a.url}>${a.kind}: ${a.name ?? a.path.split('/').pop()}</a> `)}</p>` : null}
    </div>
    ${compact ? null : html`<div class="row">
      <div class="card"><h3>Metric stream (progress reported while running)</h3>${v.stream.length ? html`<${Chart} name="stream" option=${streamOption(v.stream)} height=${260} />` : html`<p class="muted">No progress values were streamed.</p>`}</div>
      <div class="card"><h3>Phase timings</h3>${phases.length ? html`<${Chart} name="phases" option=${barsOption(phases, 'time (s)')} height=${Math.max(120, phases.length * 30 + 50)} />` : html`<p class="muted">No timings recorded.</p>`}</div>
    </div>`}
    ${defects.length ? html`<div class="card"><h3>Image AUROC per defect type</h3><${Chart} name="defects" option=${barsOption(defects, 'image AUROC (0–1)')} height=${Math.max(120, defects.length * 30 + 50)} /></div>` : null}
    <div class="card"><h3>Attempts</h3><table data-table="attempts"><thead><tr><th>#</th><th>worker</th><th>fencing</th><th>started</th><th>ended</th><th>outcome</th></tr></thead>
      <tbody>${v.attempts.map((a, i) => html`<tr><td>${i + 1}</td><td>${a.workerId}</td><td>${a.fencingToken}</td><td class="small">${time(a.startedAt)}</td><td class="small">${time(a.endedAt)}</td>
        <td><span class=${`pill ${a.outcome}`}>${a.outcome}</span>${a.error ? html`<pre class="error">${a.error}</pre>` : null}</td></tr>`)}</tbody></table>
      ${v.events.length ? html`<h3>Events</h3><table class="small"><tbody>${v.events.map((e) => html`<tr><td>${time(e.time)}</td><td>${e.level}</td><td>${e.message}</td></tr>`)}</tbody></table>` : null}
    </div>`;
}

export function TrialPage({ id }) {
  const s = useApi(`/api/trial?id=${encodeURIComponent(id)}`);
  const sweep = s.data?.trial.sweep;
  useEffect(() => { if (sweep) dispatchEvent(new CustomEvent('wepadim:sweep', { detail: sweep })); }, [sweep]);
  if (!s.data) return html`<${Loading} state=${s} />`;
  const t = s.data.trial;
  return html`<h1>Trial ${t.id} <span class="muted small">${t.class} · <code>${t.key.slice(0, 12)}</code></span></h1><${TrialBody} v=${s.data} />`;
}
