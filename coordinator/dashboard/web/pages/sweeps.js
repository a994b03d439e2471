// Sweeps: every sweep in the database with counts by state, rate, ETA and current stage.
import { html } from 'htm/preact';
import { duration, href, Loading, StatusBar, time, useApi } from '../lib.js';

export function SweepsPage() {
  const s = useApi('/api/sweeps', 'live', 250);
  if (!s.data) return html`<${Loading} state=${s} />`;
  return html`<h1>Sweeps</h1>
    <div class="card">
      ${s.data.length === 0 ? html`<p class="muted">No sweep in this database yet: <code>wepadim submit FILE</code> adds one.</p>` : html`
      <table data-table="sweeps">
        <thead><tr><th>sweep</th><th>stage</th><th>progress</th><th class="num">done</th><th class="num">failed</th><th class="num">running</th>
          <th class="num">pending</th><th class="num">total</th><th class="num">rate (trials/min)</th><th class="num">ETA</th><th>updated</th></tr></thead>
        <tbody>${s.data.map((w) => html`<tr data-sweep=${w.sweep}>
          <td><a href=${href('sweep', w.sweep)}>${w.sweep}</a></td>
          <td>${w.stage}${w.stages.length > 1 ? html` <span class="muted small">(${w.stages.findIndex((x) => x.stage === w.stage) + 1} of ${w.stages.length})</span>` : null}</td>
          <td><${StatusBar} counts=${w.counts} total=${w.total} /></td>
          <td class="num" data-col="done">${w.counts.done}</td><td class="num" data-col="failed">${w.counts.failed}</td>
          <td class="num">${w.counts.running + w.counts.leased}</td><td class="num">${w.counts.pending}</td><td class="num">${w.total}</td>
          <td class="num">${w.ratePerMin === null ? '–' : w.ratePerMin.toFixed(1)}</td>
          <td class="num">${w.etaS === 0 ? 'finished' : duration(w.etaS)}</td><td class="small">${time(w.updated)}</td>
        </tr>`)}</tbody>
      </table>`}
    </div>`;
}
