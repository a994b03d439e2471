/**
 * `wepadim status`: a sweep's trial counts by state, the recent completion rate and the ETA it implies,
 * the workers with their last heartbeat, and the latest failures.
 */
import type { FailureReason, StoreReads } from '../store/reads/index.js';
import type { TrialStatus } from '../store/types.js';

export interface WorkerStatus {
  id: string;
  host: string;
  gpu: string;
  backend: string;
  state: string;
  lastHeartbeat: number;
  /** seconds since the last heartbeat */
  heartbeatAgeS: number;
  /** trials of this sweep leased to or running on it now */
  active: number;
}

export interface FailureNote {
  trialId: number;
  key: string;
  class: string;
  attempts: number;
  error: string;
}

export interface SweepStatus {
  sweep: string;
  counts: Record<TrialStatus, number>;
  total: number;
  /** done + failed + cancelled */
  finished: number;
  /** trials finished (done or failed) per minute over the rate window; null before any finished */
  ratePerMin: number | null;
  rateWindowS: number;
  /** pending + leased + running, divided by the rate; null when the rate is unknown or zero */
  etaS: number | null;
  workers: WorkerStatus[];
  failures: FailureNote[];
  /** every distinct error of the failed trials, with how many trials each */
  failureReasons: FailureReason[];
}

export interface StatusOptions {
  now?: number;
  /** look back this many ms for the rate (default 15 minutes) */
  windowMs?: number;
}

export function sweepStatus(reads: StoreReads, sweep: string, opts: StatusOptions = {}): SweepStatus {
  const now = opts.now ?? Date.now();
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const id = reads.sweepId(sweep);
  const counts = reads.statusCounts(id);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const span = reads.finishedBetween(id, now - windowMs, now);
  // measure over the window, or from the sweep's first start (else its first finish) when that is later
  const started = { s: reads.firstStart(id) };
  const firstStart = started.s ?? span.first;
  const from = firstStart === null ? now : Math.max(now - windowMs, firstStart);
  const windowS = Math.max(0, (now - from) / 1000);
  const ratePerMin = span.n > 0 && windowS > 0 ? span.n / (windowS / 60) : null;
  const remaining = counts.pending + counts.leased + counts.running;
  const etaS = ratePerMin ? (remaining / ratePerMin) * 60 : remaining === 0 ? 0 : null;
  const workers = reads.workers(id).map((w) => ({
    id: w.id,
    host: w.host,
    gpu: w.gpu_index === null ? 'cpu' : `${w.gpu_index}${w.gpu_name ? ` ${w.gpu_name}` : ''}`,
    backend: w.backend,
    state: w.state,
    lastHeartbeat: w.last_heartbeat,
    heartbeatAgeS: Math.max(0, (now - w.last_heartbeat) / 1000),
    active: w.active,
  }));
  const failures: FailureNote[] = reads.recentFailures(id, 5);
  return {
    sweep,
    counts,
    total,
    finished: counts.done + counts.failed + counts.cancelled,
    ratePerMin,
    rateWindowS: windowS,
    etaS,
    workers,
    failures,
    failureReasons: counts.failed ? reads.failureReasons(id) : [],
  };
}

export interface SweepSummary {
  sweep: string;
  created: number;
  updated: number;
  counts: Record<TrialStatus, number>;
  total: number;
}

/** Every sweep in the database with its trial counts, newest first. */
export function listSweeps(reads: StoreReads): SweepSummary[] {
  const sweeps = reads.sweeps();
  return sweeps.map((s) => {
    const counts = reads.statusCounts(s.id);
    return { sweep: s.name, created: s.created_at, updated: s.updated_at, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  });
}
