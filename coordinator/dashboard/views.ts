/**
 * The JSON behind each dashboard page. Numbers come from the report builders (buildLeaderboard,
 * sweepStatus, listSweeps), so they equal `wepadim leaderboard --json` and `wepadim status --json`;
 * the extra rows (a trial's record, failures, stages) come from coordinator/store/reads/dashboard.ts.
 */
import { parseFilters } from '../report/filters.js';
import { buildLeaderboard, type Leaderboard, type LeaderboardMode } from '../report/leaderboard.js';
import { listSweeps, sweepStatus, type SweepStatus, type WorkerStatus } from '../report/status.js';
import type {
  ArtifactRow,
  AttemptRow,
  DashboardReads,
  EventRow,
  FailedAttempt,
  MetricPoint,
  ResultRow,
  StageCounts,
  TrialRow,
} from '../store/reads/dashboard.js';
import { UserError } from '../../shared/errors.js';
import { RANDOM_WEIGHTS_WARNING } from '../../shared/weights-notice.js';

/** A worker is shown as gone when the coordinator marked it so, or when it has been silent this long. */
export const SILENT_GONE_S = 90;

export interface DashboardWorker extends WorkerStatus {
  /** state as a person should read it: 'gone' also when no heartbeat arrived for SILENT_GONE_S */
  shownState: string;
}

export interface SweepListItem {
  sweep: string;
  created: number;
  updated: number;
  total: number;
  counts: SweepStatus['counts'];
  ratePerMin: number | null;
  etaS: number | null;
  stages: StageCounts[];
  /** the first stage with open trials, else the last stage */
  stage: string;
}

export function sweepsView(store: DashboardReads, now = Date.now()): SweepListItem[] {
  return listSweeps(store.reads).map((s) => {
    const st = sweepStatus(store.reads, s.sweep, { now });
    const stages = store.sweepStages(store.reads.sweepId(s.sweep));
    const current = stages.find((x) => x.open > 0) ?? stages[stages.length - 1];
    return { ...s, ratePerMin: st.ratePerMin, etaS: st.etaS, stages, stage: current?.stage ?? '' };
  });
}

export interface LeaderboardQuery {
  metric: string;
  mode: LeaderboardMode;
  top?: number;
  where: string[];
  complete: boolean;
  order?: 'asc' | 'desc';
}

/** Exactly what `wepadim leaderboard SWEEP --json` prints for the same options (marginals included). */
export function leaderboardJson(
  store: DashboardReads,
  sweep: string,
  q: LeaderboardQuery,
): Leaderboard & { warning: string | null; random_weights: string[] } {
  const lb = buildLeaderboard(store.reads, {
    sweep,
    metric: q.metric,
    mode: q.mode,
    top: q.top,
    filters: parseFilters(q.where),
    completeOnly: q.complete,
    order: q.order,
    also: ['image_auroc', 'pixel_auroc'],
  });
  const random = store.sweepRandomWeights(store.reads.sweepId(sweep));
  return { ...lb, warning: random.length ? RANDOM_WEIGHTS_WARNING : null, random_weights: random };
}

export interface SweepStatusView {
  sweep: string;
  status: Omit<SweepStatus, 'workers'> & { workers: DashboardWorker[] };
  stages: StageCounts[];
  metrics: string[];
  latest: ReturnType<DashboardReads['latestFinished']>;
}

/** Progress, stages, workers (a silent one shown as gone) and the latest finished trials. */
export function sweepStatusView(store: DashboardReads, sweep: string, now = Date.now()): SweepStatusView {
  const id = store.reads.sweepId(sweep);
  const st = sweepStatus(store.reads, sweep, { now });
  const workers = st.workers.map((w) => ({
    ...w,
    shownState: w.state === 'gone' || w.heartbeatAgeS > SILENT_GONE_S ? 'gone' : w.state,
  }));
  return {
    sweep,
    status: { ...st, workers },
    stages: store.sweepStages(id),
    metrics: store.sweepMetricNames(id),
    latest: store.latestFinished(id),
  };
}

export interface TrialView {
  trial: TrialRow;
  result: ResultRow | null;
  attempts: AttemptRow[];
  final: Record<string, number>;
  stream: MetricPoint[];
  artifacts: (ArtifactRow & { url: string; image: boolean })[];
  events: EventRow[];
}

const IMAGE = /\.(png|jpe?g|webp|gif|svg)$/i;

export function trialView(store: DashboardReads, idOrKey: string): TrialView {
  const trial = store.trialRow(idOrKey);
  if (!trial)
    throw new UserError(`no trial ${JSON.stringify(idOrKey)} (give its id or at least 6 characters of its key)`);
  const m = store.trialMetrics(trial.id);
  return {
    trial,
    result: store.trialResult(trial.id),
    attempts: store.trialAttempts(trial.id),
    final: m.final,
    stream: m.stream,
    artifacts: store
      .trialArtifacts(trial.id)
      .map((a) => ({ ...a, url: `/artifact/${a.id}`, image: IMAGE.test(a.path) })),
    events: store.trialEvents(trial.id),
  };
}

export function failuresView(store: DashboardReads, sweep: string): { sweep: string; failures: FailedAttempt[] } {
  return { sweep, failures: store.failedAttempts(store.reads.sweepId(sweep)) };
}
