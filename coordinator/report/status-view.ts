/** Human text for `wepadim status SWEEP`: counts, rate and ETA, workers, the distinct failure reasons, the latest failures. */
import { formatDuration } from '../../shared/progress.js';
import { renderTable } from '../../shared/table.js';
import { shortKey } from '../../shared/trial.js';
import type { SweepStatus } from './status.js';

export interface StatusTextOptions {
  /** print errors in full (default: their first line, cut to `cut` characters) */
  full?: boolean;
  cut?: number;
}

const oneLine = (e: string, cut: number): string => {
  const first = e.split('\n')[0];
  return first.length > cut || e.includes('\n') ? `${first.slice(0, cut)}...` : first;
};

export function statusText(st: SweepStatus, o: StatusTextOptions = {}): string {
  const cut = o.cut ?? 100;
  const err = (e: string): string => (o.full ? e : oneLine(e, cut));
  const c = st.counts;
  const pct = st.total ? ((100 * st.finished) / st.total).toFixed(1) : '0.0';
  const lines = [
    `Sweep ${st.sweep}: ${st.total} trials, ${st.finished} finished (${pct}%)`,
    renderTable([
      {
        pending: c.pending,
        leased: c.leased,
        running: c.running,
        done: c.done,
        failed: c.failed,
        cancelled: c.cancelled,
      },
    ]),
    st.ratePerMin === null
      ? 'rate: none finished in the window yet; ETA unknown'
      : `rate: ${st.ratePerMin.toFixed(2)} trials/min over the last ${formatDuration(st.rateWindowS)}; ` +
        (st.etaS === null && st.liveWorkers === 0
          ? 'ETA none: no live worker'
          : `ETA ${formatDuration(st.etaS ?? NaN)}`),
  ];
  const m = st.mapJobs;
  if (m)
    lines.push(
      `maps jobs: ${m.pending} pending, ${m.leased} running, ${m.done} done, ${m.failed} failed` +
        (m.failed ? ' (`wepadim maps TRIAL` queues a failed one again)' : ''),
    );
  if (st.workers.length) {
    lines.push(
      '',
      renderTable(
        st.workers.map((w) => ({
          worker: w.id,
          host: w.host,
          gpu: w.gpu,
          backend: w.backend,
          state: w.state,
          heartbeat: `${formatDuration(w.heartbeatAgeS)} ago`,
          active: w.active,
        })),
      ),
    );
  } else lines.push('', 'no workers registered');
  if (st.failureReasons.length) {
    lines.push('', `failure reasons (${c.failed} failed trial(s), by their last error):`);
    if (o.full)
      for (const r of st.failureReasons) lines.push(`  ${r.trials} x ${r.error.split('\n').join('\n      ')}`);
    else lines.push(renderTable(st.failureReasons.map((r) => ({ trials: r.trials, error: err(r.error) }))));
  }
  if (st.failures.length) {
    lines.push('', 'latest failures:');
    if (o.full)
      for (const f of st.failures)
        lines.push(
          `  trial ${shortKey(f.key)} (${f.class}, ${f.attempts} attempt(s)):`,
          ...f.error.split('\n').map((l) => `    ${l}`),
        );
    else
      lines.push(
        renderTable(
          st.failures.map((f) => ({
            trial: shortKey(f.key),
            class: f.class,
            attempts: f.attempts,
            error: err(f.error),
          })),
        ),
      );
  }
  if (!o.full && st.failures.some((f) => f.error.includes('\n') || f.error.length > cut))
    lines.push('(errors cut: --full shows them whole, --json too)');
  return lines.join('\n') + '\n';
}
