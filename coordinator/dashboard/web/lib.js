// Shared pieces of the dashboard pages: the live stream, data fetching that refetches on change,
// hash routing and number formatting. Plain ES modules (no build step).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

// ---- live stream (server-sent events) ----
const listeners = new Set();
export const live = { data: -1, live: -1, connected: false, at: 0 };
function connect() {
  const es = new EventSource('/api/events');
  es.addEventListener('change', (e) => {
    const c = JSON.parse(e.data);
    Object.assign(live, { data: c.data, live: c.live, at: c.at, connected: true });
    for (const f of listeners) f();
  });
  es.onerror = () => { live.connected = false; for (const f of listeners) f(); };
  es.onopen = () => { live.connected = true; for (const f of listeners) f(); };
}
connect();

/** Re-render on every change of the stream; returns the counter of the kind asked for. */
export function useLive(kind = 'data') {
  const [, setTick] = useState(0);
  useEffect(() => {
    const f = () => setTick((t) => t + 1);
    listeners.add(f);
    return () => listeners.delete(f);
  }, []);
  return live[kind];
}

/**
 * GET a JSON API path; fetched again whenever the live counter of `kind` moves: at most one request in
 * flight, and at most one per `gapMs` while changes keep coming (a change during a request or the gap
 * triggers one more). Returns { data, error, loading }.
 */
export function useApi(path, kind = 'data', gapMs = 1000) {
  const version = useLive(kind);
  const [state, setState] = useState({ data: null, error: null, path: null });
  const r = useRef({ busy: false, again: false, last: 0, timer: 0, path });
  r.current.path = path;
  useEffect(() => {
    if (!path) return;
    const s = r.current;
    const run = async (force) => {
      if (s.busy) { s.again = true; return; }
      const wait = force ? 0 : s.last + gapMs - performance.now();
      if (wait > 0) {
        if (!s.timer) s.timer = setTimeout(() => { s.timer = 0; run(true); }, wait);
        return;
      }
      s.busy = true;
      s.last = performance.now();
      const asked = s.path;
      try {
        const res = await fetch(asked, { headers: { accept: 'application/json' } });
        const body = await res.json();
        if (asked === s.path) setState(res.ok ? { data: body, error: null, path: asked } : { data: null, error: body.error ?? res.statusText, path: asked });
      } catch (err) {
        setState((x) => ({ ...x, error: String(err) }));
      } finally {
        s.busy = false;
        if (s.again) { s.again = false; run(false); }
      }
    };
    run(state.path !== path);
  }, [path, version]);
  const stale = state.path !== path;
  return { data: stale ? null : state.data, error: stale ? null : state.error, loading: stale };
}

export async function postAction(path, body) {
  let token = sessionStorage.getItem('wepadim-token');
  if (!token) {
    token = prompt('Bearer token of the coordinator (needed for cancel and drain):');
    if (!token) return null;
  }
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status === 401) sessionStorage.removeItem('wepadim-token');
  else if (res.ok) sessionStorage.setItem('wepadim-token', token);
  alert(res.ok ? `${path.split('/').pop()}: ${JSON.stringify(out)}` : `failed: ${out.error}`);
  return out;
}

// ---- routing: #/sweep/NAME?metric=... ----
export function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [p, q = ''] = h.split('?');
  const parts = p.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? '', arg: parts[1] ?? '', query: new URLSearchParams(q) };
}
export function href(page, arg, query) {
  const q = query && [...new URLSearchParams(query)].length ? `?${new URLSearchParams(query)}` : '';
  return `#/${page}${arg !== undefined && arg !== '' ? `/${encodeURIComponent(arg)}` : ''}${q}`;
}
export function useRoute() {
  const [r, setR] = useState(parseHash());
  useEffect(() => {
    const f = () => setR(parseHash());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return r;
}
/** Replace some query parameters of the current route. */
export function setQuery(changes) {
  const r = parseHash();
  for (const [k, v] of Object.entries(changes)) {
    r.query.delete(k);
    for (const x of [].concat(v ?? [])) if (x !== '' && x !== null && x !== false) r.query.append(k, x === true ? '1' : x);
  }
  location.hash = href(r.page, r.arg, r.query);
}

// ---- formatting ----
export const fmt = (v, d = 4) => (v === null || v === undefined ? '–' : typeof v === 'number' ? (Number.isInteger(v) && Math.abs(v) > 1000 ? String(v) : v.toFixed(d)) : String(v));
export const cell = (v) => (v === null || v === undefined ? 'none' : Array.isArray(v) ? v.join('+') : typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(' ') : String(v));
export function duration(s) {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
export const time = (ms) => (ms ? new Date(ms).toLocaleString() : '–');
export const unitOf = (metric) => (metric.startsWith('time.') ? 's' : metric === 'peak_rss_mb' ? 'MB' : /auroc|aupro|f1/.test(metric) ? '0–1' : '');
export const metricLabel = (metric) => `${metric}${unitOf(metric) ? ` (${unitOf(metric)})` : ''}`;

export function Loading({ state }) {
  if (state.error) return html`<p class="err">${state.error}</p>`;
  return html`<p class="loading">Loading…</p>`;
}

export function StatusBar({ counts, total }) {
  const order = ['done', 'failed', 'cancelled', 'running', 'leased', 'pending'];
  return html`<div class="bar" title=${order.map((s) => `${s} ${counts[s]}`).join(', ')}>
    ${order.map((s) => (counts[s] ? html`<span class=${`s-${s}`} style=${`width:${(100 * counts[s]) / Math.max(1, total)}%`}></span>` : null))}
  </div>`;
}
