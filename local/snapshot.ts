/** A snapshot of a sweep's progress from the store's read API: trial counts and per-worker activity. */
import type { StoreReads } from '../coordinator/store/reads/index.js';
import type { RunSnapshot, WorkerRow } from './progress-view.js';

export function snapshot(
  reads: StoreReads,
  sweepId: number,
  workerIds: readonly string[],
  notes: ReadonlyMap<string, string>,
): RunSnapshot {
  const c = reads.statusCounts(sweepId);
  const rows = reads.workerActivity(sweepId);
  const byPrefix = (wid: string): { finished: number; active: number } => {
    // worker ids registered by the client may extend the id we gave (e.g. host:gpu:pid); match by prefix too
    let finished = 0;
    let active = 0;
    for (const r of rows)
      if (r.id === wid || r.id.startsWith(`${wid}:`) || r.id.endsWith(`:${wid}`)) {
        finished += r.finished;
        active += r.active;
      }
    return { finished, active };
  };
  const workers: WorkerRow[] = workerIds.map((id) => ({ id, ...byPrefix(id), note: notes.get(id) ?? '' }));
  return {
    total: Object.values(c).reduce((a, b) => a + b, 0) - c.cancelled,
    done: c.done,
    failed: c.failed,
    active: c.leased + c.running,
    pending: c.pending,
    workers,
  };
}
