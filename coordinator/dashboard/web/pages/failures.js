// Failures: the full error text of every failed or expired attempt of a sweep, newest first.
import { html } from 'htm/preact';
import { cell, href, Loading, time, useApi } from '../lib.js';

export function FailuresPage({ name }) {
  const s = useApi(`/api/failures?sweep=${encodeURIComponent(name)}`);
  if (!s.data) return html`<${Loading} state=${s} />`;
  const f = s.data.failures;
  return html`<h1>Failures of ${name} <span class="muted small">${f.length} failed or expired attempt(s)</span></h1>
    ${f.length === 0 ? html`<div class="card"><p class="muted">No attempt has failed.</p></div>` : null}
    ${f.map((a) => html`<div class="card" data-attempt=${a.attemptId}>
      <div class="row small">
        <span><a href=${href('trial', a.trialId)}>trial ${a.trialId}</a> · ${a.class} · <code>${a.key.slice(0, 12)}</code></span>
        <span class=${`pill ${a.outcome}`}>${a.outcome}</span><span>trial now <span class=${`pill ${a.trialStatus}`}>${a.trialStatus}</span></span>
        <span class="muted">worker ${a.workerId} · ${time(a.endedAt ?? a.startedAt)}</span>
      </div>
      <div class="small muted">${Object.entries(a.params).filter(([k]) => !['root', 'dataset', 'objective', 'synthetic'].includes(k)).map(([k, v]) => `${k}=${cell(v)}`).join('  ')}</div>
      <pre class="error">${a.error || '(no error text recorded)'}</pre>
    </div>`)}`;
}
