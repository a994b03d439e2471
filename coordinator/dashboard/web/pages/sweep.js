// One sweep: progress, stages, workers (heartbeat age, state), the leaderboard with its filters, honest
// selection beside the optimistic number, marginal means, and the latest finished trials.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { cell, duration, fmt, href, Loading, metricLabel, postAction, setQuery, StatusBar, time, useApi } from '../lib.js';

function apiPath(name, q) {
  const p = new URLSearchParams({ sweep: name, metric: q.get('metric') ?? 'image_auroc', mode: q.get('mode') ?? 'mean' });
  for (const k of ['top', 'complete', 'order']) if (q.get(k)) p.set(k, q.get(k));
  for (const w of q.getAll('where')) p.append('where', w);
  return `/api/sweep/leaderboard?${p}`;
}

function Progress({ st, stages }) {
  return html`<div class="card">
    <div class="stats">
      <div><b data-stat="done">${st.counts.done}</b>done</div><div><b>${st.counts.failed}</b>failed</div>
      <div><b>${st.counts.running + st.counts.leased}</b>running</div><div><b>${st.counts.pending}</b>pending</div>
      <div><b>${st.total}</b>trials</div>
      <div><b>${st.ratePerMin === null ? '–' : st.ratePerMin.toFixed(1)}</b>trials/min (last ${duration(st.rateWindowS)})</div>
      <div><b>${st.etaS === 0 ? 'finished' : duration(st.etaS)}</b>ETA</div>
    </div>
    <div style="margin-top:.6rem"><${StatusBar} counts=${st.counts} total=${st.total} /></div>
    ${stages.length > 1 ? html`<table class="small" style="margin-top:.6rem"><thead><tr><th>stage</th><th class="num">done</th><th class="num">failed</th><th class="num">open</th><th class="num">total</th></tr></thead>
      <tbody>${stages.map((s) => html`<tr><td>${s.stage}</td><td class="num">${s.done}</td><td class="num">${s.failed}</td><td class="num">${s.open}</td><td class="num">${s.total}</td></tr>`)}</tbody></table>` : null}
  </div>`;
}

function Workers({ workers, actions }) {
  return html`<div class="card"><h3>Workers</h3>
    ${workers.length === 0 ? html`<p class="muted">No worker has worked on this sweep.</p>` : html`
    <table data-table="workers"><thead><tr><th>worker</th><th>host</th><th>GPU</th><th>backend</th><th>state</th><th class="num">last heartbeat</th><th class="num">trials held</th>${actions ? html`<th></th>` : null}</tr></thead>
      <tbody>${workers.map((w) => html`<tr data-worker=${w.id}><td>${w.id}</td><td>${w.host}</td><td>${w.gpu}</td><td>${w.backend}</td>
        <td><span class=${`pill ${w.shownState}`} data-col="state">${w.shownState}</span>${w.shownState !== w.state ? html` <span class="muted small">(silent; recorded ${w.state})</span>` : null}</td>
        <td class="num">${duration(w.heartbeatAgeS)} ago</td><td class="num">${w.active}</td>
        ${actions ? html`<td>${w.shownState === 'active' ? html`<button onClick=${() => postAction('/api/drain', { worker: w.id })}>drain</button>` : null}</td>` : null}</tr>`)}</tbody></table>`}
  </div>`;
}

function Controls({ name, q, metrics }) {
  const [where, setWhere] = useState(q.getAll('where').join(' '));
  const metric = q.get('metric') ?? 'image_auroc';
  const options = metrics.includes(metric) ? metrics : [metric, ...metrics];
  return html`<div class="controls">
    <label>metric<select data-control="metric" value=${metric} onChange=${(e) => setQuery({ metric: e.target.value })}>${options.map((m) => html`<option value=${m}>${m}</option>`)}</select></label>
    <label>view<select data-control="mode" value=${q.get('mode') ?? 'mean'} onChange=${(e) => setQuery({ mode: e.target.value })}>
      <option value="mean">class mean per grid point</option><option value="per-class">best per class</option></select></label>
    <label>top<input type="number" min="1" style="width:5rem" value=${q.get('top') ?? ''} placeholder=${q.get('mode') === 'per-class' ? '1' : '10'} onChange=${(e) => setQuery({ top: e.target.value })} /></label>
    <label>where (KEY=V1,V2 …, space-separated)<input style="width:22rem" value=${where} placeholder="wavelet=haar sigma=4" onInput=${(e) => setWhere(e.target.value)}
      onKeyDown=${(e) => e.key === 'Enter' && setQuery({ where: where.split(/\s+/).filter(Boolean) })} /></label>
    <label><span><input type="checkbox" checked=${q.get('complete') === '1'} onChange=${(e) => setQuery({ complete: e.target.checked })} /> complete points only</span></label>
    <a href=${href('plots', name, { metric })}>plots of this metric →</a>
  </div>`;
}

function Board({ lb, pick, picked }) {
  const also = lb.points[0] ? Object.keys(lb.points[0].also) : lb.perClass?.entries[0] ? Object.keys(lb.perClass.entries[0].also) : [];
  if (lb.mode === 'mean') {
    if (!lb.points.length) return html`<p class="muted">No grid point has ${lb.metric} yet.</p>`;
    return html`<p class="small muted">${lb.completePoints} of ${lb.totalPoints} points complete${lb.completePoints < lb.totalPoints ? ' (incomplete points: mean over the classes done so far, ranked last)' : ''}; ${lb.order === 'desc' ? 'higher' : 'lower'} is better.</p>
      <table data-table="leaderboard"><thead><tr><th class="num">rank</th><th class="num">${metricLabel(lb.metric)} class mean</th>${also.map((m) => html`<th class="num">${m}</th>`)}
        <th class="num">classes</th>${lb.varying.map((k) => html`<th>${k}</th>`)}</tr></thead>
      <tbody>${lb.points.map((p) => html`<tr class=${p.rank === 1 ? 'best' : ''} data-rank=${p.rank}>
        <td class="num">${p.rank}</td><td class="num" data-col="value" title=${String(p.mean)}>${fmt(p.mean)}</td>
        ${also.map((m) => html`<td class="num" data-col=${m} title=${String(p.also[m])}>${fmt(p.also[m])}</td>`)}
        <td class="num">${p.classes}/${p.trials}</td>${lb.varying.map((k) => html`<td>${cell(p.params[k])}</td>`)}</tr>`)}</tbody></table>`;
  }
  const pc = lb.perClass;
  if (!pc || !pc.entries.length) return html`<p class="muted">No trial has ${lb.metric} yet.</p>`;
  return html`<p class="small muted">Mean of the per-class best over ${pc.classes} classes: <b data-col="meanOfBest">${fmt(pc.meanOfBest)}</b>. Tick trials to compare them.</p>
    <table data-table="leaderboard"><thead><tr><th></th><th>class</th><th class="num">rank</th><th class="num">${metricLabel(lb.metric)}</th>${also.map((m) => html`<th class="num">${m}</th>`)}<th>trial</th>${lb.varying.map((k) => html`<th>${k}</th>`)}</tr></thead>
    <tbody>${pc.entries.map((e) => html`<tr class=${e.rank === 1 ? 'best' : ''} data-class=${e.class} data-rank=${e.rank}>
      <td><input type="checkbox" checked=${picked.includes(e.trialId)} onChange=${() => pick(e.trialId)} /></td>
      <td>${e.class}</td><td class="num">${e.rank}</td><td class="num" data-col="value" title=${String(e.value)}>${fmt(e.value)}</td>
      ${also.map((m) => html`<td class="num" data-col=${m}>${fmt(e.also[m])}</td>`)}
      <td><a href=${href('trial', e.trialId)}>${e.trialId}</a></td>${lb.varying.map((k) => html`<td>${cell(e.params[k])}</td>`)}</tr>`)}</tbody></table>`;
}

function Honest({ h, varying }) {
  if (!h) return null;
  const desc = (params) => varying.map((k) => `${k}=${cell(params[k])}`).join(' ') || '(the only grid point)';
  return html`<div class="card honest" data-section="honest"><h3>Honest selection: chosen on ${h.selMetric}, reported on ${h.repMetric}</h3>
    <table><thead><tr><th></th><th class="num">honest (${h.repMetric})</th><th class="num">optimistic (${h.metric})</th><th>chosen configuration</th></tr></thead><tbody>
      <tr><td>class mean</td><td class="num" data-col="honest-mean">${fmt(h.mean.repMean)}</td><td class="num">${fmt(h.mean.optimisticMean)}</td><td class="small">${desc(h.mean.params)} (${h.mean.repClasses}/${h.mean.classes} classes)</td></tr>
      <tr><td>per class, mean</td><td class="num">${fmt(h.perClassRepMean)}</td><td class="num">${fmt(h.perClassOptimisticMean)}</td><td></td></tr>
      ${h.perClass.map((r) => html`<tr><td>${r.class}</td><td class="num">${fmt(r.rep)}</td><td class="num">${fmt(r.optimistic)}</td><td class="small"><a href=${href('trial', r.trialId)}>trial ${r.trialId}</a> ${desc(r.params)}</td></tr>`)}
    </tbody></table></div>`;
}

function Marginals({ m, metric }) {
  if (!m.length) return null;
  const params = [...new Set(m.map((x) => x.param))];
  return html`<div class="card"><h3>Marginal means of the class-mean ${metric}</h3><div class="row">
    ${params.map((p) => html`<table style="flex:0 1 280px;width:280px" data-marginal=${p}><thead><tr><th>${p}</th><th class="num">mean</th><th class="num">best</th><th class="num">points</th></tr></thead>
      <tbody>${m.filter((x) => x.param === p).map((x) => html`<tr><td>${x.value}</td><td class="num">${fmt(x.mean)}</td><td class="num">${fmt(x.best)}</td><td class="num">${x.points}</td></tr>`)}</tbody></table>`)}
  </div></div>`;
}

export function SweepPage({ name, query }) {
  const s = useApi(`/api/sweep/status?sweep=${encodeURIComponent(name)}`, 'live', 250);
  const b = useApi(apiPath(name, query), 'data');
  const info = useApi('/api/info', 'none');
  const [picked, setPicked] = useState([]);
  if (!s.data) return html`<${Loading} state=${s} />`;
  const st = s.data.status;
  const lb = b.data;
  const actions = info.data?.actions;
  const pick = (id) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-4)));
  return html`<h1>Sweep ${name} ${actions ? html`<button class="danger" style="margin-left:1rem" onClick=${() => confirm(`Cancel every unfinished trial of ${name}?`) && postAction('/api/cancel', { target: name })}>cancel sweep</button>` : null}</h1>
    ${lb?.warning ? html`<div class="card small" style="border-color:#e8c878;background:#fffbea">${lb.warning}</div>` : null}
    <${Progress} st=${st} stages=${s.data.stages} />
    <${Workers} workers=${st.workers} actions=${actions} />
    <div class="card"><h2 style="margin-top:0">Leaderboard</h2>
      <${Controls} name=${name} q=${query} metrics=${s.data.metrics} />
      ${lb ? html`<${Board} lb=${lb} pick=${pick} picked=${picked} />` : html`<${Loading} state=${b} />`}
      ${picked.length >= 2 ? html`<p><a href=${href('compare', picked.join(','))}>compare ${picked.length} trials →</a></p>` : null}
    </div>
    ${lb ? html`<${Honest} h=${lb.honest} varying=${lb.varying} /><${Marginals} m=${lb.marginals} metric=${lb.metric} />` : null}
    <div class="card"><h3>Latest finished trials</h3>
      <table data-table="latest"><thead><tr><th>trial</th><th>class</th><th>key</th><th>status</th><th>finished</th></tr></thead>
      <tbody>${s.data.latest.map((t) => html`<tr data-trial=${t.id}><td><a href=${href('trial', t.id)}>${t.id}</a></td><td>${t.class}</td><td><code>${t.key.slice(0, 12)}</code></td>
        <td><span class=${`pill ${t.status}`}>${t.status}</span></td><td class="small">${time(t.finishedAt)}</td></tr>`)}</tbody></table>
      ${st.counts.failed ? html`<p><a href=${href('failures', name)}>full error text of every failed attempt →</a></p>` : null}
    </div>`;
}
