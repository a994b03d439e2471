// The dashboard's shell: top navigation, live indicator and the page for the current #/route.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { href, useLive, useRoute, live } from './lib.js';
import { SweepsPage } from './pages/sweeps.js';
import { SweepPage } from './pages/sweep.js';
import { PlotsPage } from './pages/plots.js';
import { TrialPage } from './pages/trial.js';
import { ComparePage } from './pages/compare.js';
import { FailuresPage } from './pages/failures.js';

function LiveBadge() {
  useLive('live');
  const age = live.at ? Math.max(0, (Date.now() - live.at) / 1000) : null;
  return html`<span class=${`live ${live.connected ? '' : 'off'}`} title="pushed by the server (server-sent events)">
    <span class="dot"></span>${live.connected ? 'live' : 'reconnecting…'}${age !== null ? ` · last change ${new Date(live.at).toLocaleTimeString()}` : ''}
  </span>`;
}

function App() {
  const r = useRoute();
  const [seen, setSeen] = useState('');
  // a trial page names its sweep (wepadim:sweep), so the sweep's links stay in the bar
  useEffect(() => {
    const f = (e) => setSeen(e.detail);
    addEventListener('wepadim:sweep', f);
    return () => removeEventListener('wepadim:sweep', f);
  }, []);
  const sweep = ['sweep', 'plots', 'failures'].includes(r.page) ? r.arg : seen;
  useEffect(() => { if (sweep !== seen) setSeen(sweep); }, [sweep]);
  let page;
  switch (r.page) {
    case 'sweep': page = html`<${SweepPage} name=${r.arg} query=${r.query} />`; break;
    case 'plots': page = html`<${PlotsPage} name=${r.arg} query=${r.query} />`; break;
    case 'trial': page = html`<${TrialPage} id=${r.arg} />`; break;
    case 'compare': page = html`<${ComparePage} ids=${r.arg} />`; break;
    case 'failures': page = html`<${FailuresPage} name=${r.arg} />`; break;
    default: page = html`<${SweepsPage} />`;
  }
  const nav = (p, label) => html`<a class=${r.page === p ? 'here' : ''} href=${href(p, sweep)}>${label}</a>`;
  return html`<header class="top">
      <a class="brand" href="#/">wepadim</a>
      <a class=${r.page === '' ? 'here' : ''} href="#/">Sweeps</a>
      ${sweep ? html`${nav('sweep', `Sweep ${sweep}`)}${nav('plots', 'Plots')}${nav('failures', 'Failures')}` : null}
      <${LiveBadge} />
    </header>
    <main>${page}</main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
