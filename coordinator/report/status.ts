/**
 * `wepadim status`: a sweep's trial counts by state, the recent completion rate and the ETA it implies,
 * the workers with their last heartbeat, and the latest failures.
 */
import type { FailureReason, StoreReads } from '../store/reads/index.js';
import type { MapJobCounts } from '../store/reads/maps.js';
import type { TrialStatus } from '../store/types.js';
import { COORDINATOR_DEFAULTS } from '../server/defaults.js';

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
  /** pending + leased + running, divided by the rate; null when the rate is unknown or zero, or no worker is alive */
  etaS: number | null;
  /** workers not gone (calling in within the lease TTL) */
  liveWorkers: number;
  workers: WorkerStatus[];
  failures: FailureNote[];
  /** every distinct error of the failed trials, with how many trials each */
  failureReasons: FailureReason[];
  /** the sweep's maps jobs (anomaly maps of class winners and requested trials) by state; null when it has none */
  mapJobs: MapJobCounts | null;
}

export interface StatusOptions {
  now?: number;
  /** a worker silent this long is shown as gone, whatever its row says (default: the lease TTL) */
  silentAfterMs?: number;
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
  const silentAfterS = (opts.silentAfterMs ?? COORDINATOR_DEFAULTS.leaseTtlMs) / 1000;
  const workers = reads.workers(id).map((w) => ({
    id: w.id,
    host: w.host,
    gpu: w.gpu_index === null ? 'cpu' : `${w.gpu_index}${w.gpu_name ? ` ${w.gpu_name}` : ''}`,
    backend: w.backend,
    // a worker that exited (or drained and left) stops calling in: past the lease TTL it is gone, even when
    // no coordinator was left running to record that
    state: w.state !== 'gone' && (now - w.last_heartbeat) / 1000 > silentAfterS ? 'gone' : w.state,
    lastHeartbeat: w.last_heartbeat,
    heartbeatAgeS: Math.max(0, (now - w.last_heartbeat) / 1000),
    active: w.active,
  }));
  // no ETA while no worker is alive: the rate of the past says nothing about when work resumes
  const live = workers.filter((w) => w.state !== 'gone').length;
  const etaS = remaining === 0 ? 0 : ratePerMin && live > 0 ? (remaining / ratePerMin) * 60 : null;
  const failures: FailureNote[] = reads.recentFailures(id, 5);
  const mapJobs = reads.mapJobCounts(id);
  return {
    sweep,
    counts,
    total,
    finished: counts.done + counts.failed + counts.cancelled,
    ratePerMin,
    rateWindowS: windowS,
    etaS,
    liveWorkers: live,
    workers,
    failures,
    failureReasons: counts.failed ? reads.failureReasons(id) : [],
    mapJobs: Object.values(mapJobs).some((n) => n > 0) ? mapJobs : null,
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
    return {
      sweep: s.name,
      created: s.created_at,
      updated: s.updated_at,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
    };
  });
}
