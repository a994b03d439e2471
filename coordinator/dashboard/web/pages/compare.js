// Compare 2 to 4 trials side by side: parameters that differ, every final metric, and their maps.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { cell, fmt, href, Loading, useApi } from '../lib.js';

export function ComparePage({ ids }) {
  const s = useApi(`/api/compare?ids=${encodeURIComponent(ids)}`);
  const sweep = s.data?.[0]?.trial.sweep;
  useEffect(() => { if (sweep) dispatchEvent(new CustomEvent('wepadim:sweep', { detail: sweep })); }, [sweep]);
  if (!s.data) return html`<${Loading} state=${s} />`;
  const vs = s.data;
  const keys = [...new Set(vs.flatMap((v) => Object.keys(v.trial.params)))];
  const differ = keys.filter((k) => new Set(vs.map((v) => JSON.stringify(v.trial.params[k]))).size > 1);
  const same = keys.filter((k) => !differ.includes(k));
  const metrics = [...new Set(vs.flatMap((v) => Object.keys(v.final)))];
  const best = (m) => {
    const xs = vs.map((v) => v.final[m]).filter((x) => x !== undefined);
    return m.startsWith('time.') || m === 'peak_rss_mb' ? Math.min(...xs) : Math.max(...xs);
  };
  return html`<h1>Compare ${vs.length} trials</h1>
    <div class="card"><table data-table="compare"><thead><tr><th></th>${vs.map((v) => html`<th><a href=${href('trial', v.trial.id)}>trial ${v.trial.id}</a> <span class="muted">${v.trial.class}</span></th>`)}</tr></thead>
      <tbody>
        <tr><td class="muted">status</td>${vs.map((v) => html`<td><span class=${`pill ${v.trial.status}`}>${v.trial.status}</span></td>`)}</tr>
        ${differ.map((k) => html`<tr><td><b>${k}</b></td>${vs.map((v) => html`<td>${cell(v.trial.params[k])}</td>`)}</tr>`)}
        ${metrics.map((m) => html`<tr data-metric=${m}><td>${m}</td>${vs.map((v) => html`<td style=${v.final[m] === best(m) && vs.length > 1 ? 'font-weight:700' : ''}>${fmt(v.final[m])}</td>`)}</tr>`)}
      </tbody></table>
      <p class="small muted">Same in all: ${same.map((k) => `${k}=${cell(vs[0].trial.params[k])}`).join('  ')}</p></div>
    <div class="compare" style=${`grid-template-columns: repeat(${vs.length}, 1fr)`}>
      ${vs.map((v) => html`<div class="card"><h3>trial ${v.trial.id} maps</h3><div class="gallery">
        ${v.artifacts.filter((a) => a.image).map((a) => html`<img src=${a.url} alt=${a.kind} style="width:100%;max-width:224px" />`)}
        ${v.artifacts.some((a) => a.image) ? null : html`<p class="muted">No maps.</p>`}</div></div>`)}
    </div>`;
}
