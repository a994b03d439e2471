/**
 * The JSON behind each dashboard page. Numbers come from the report builders (buildLeaderboard,
 * sweepStatus, listSweeps), so they equal `wepadim leaderboard --json` and `wepadim status --json`;
 * the extra rows (a trial's record, failures, stages) come from coordinator/store/reads/dashboard.ts.
 */
import { parseFilters } from '../report/filters.js';
import { buildLeaderboard, type Leaderboard, type LeaderboardMode } from '../report/leaderboard.js';
import { listSweeps, sweepStatus, type SweepStatus, type WorkerStatus } from '../report/status.js';
import type { Db } from '../store/db.js';
import {
  failedAttempts,
  latestFinished,
  sweepMetricNames,
  sweepRandomWeights,
  sweepStages,
  trialArtifacts,
  trialAttempts,
  trialEvents,
  trialMetrics,
  trialResult,
  trialRow,
  type ArtifactRow,
  type AttemptRow,
  type EventRow,
  type FailedAttempt,
  type MetricPoint,
  type ResultRow,
  type StageCounts,
  type TrialRow,
} from '../store/reads/dashboard.js';
import { sweepIdByName } from '../store/sweep-store.js';
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

export function sweepsView(db: Db, now = Date.now()): SweepListItem[] {
  return listSweeps(db).map((s) => {
    const st = sweepStatus(db, s.sweep, { now });
    const stages = sweepStages(db, sweepIdByName(db, s.sweep));
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
export function leaderboardJson(db: Db, sweep: string, q: LeaderboardQuery): Leaderboard & { warning: string | null; random_weights: string[] } {
  const lb = buildLeaderboard(db, {
    sweep,
    metric: q.metric,
    mode: q.mode,
    top: q.top,
    filters: parseFilters(q.where),
    completeOnly: q.complete,
    order: q.order,
    also: ['image_auroc', 'pixel_auroc'],
  });
  const random = sweepRandomWeights(db, sweepIdByName(db, sweep));
  return { ...lb, warning: random.length ? RANDOM_WEIGHTS_WARNING : null, random_weights: random };
}

export interface SweepStatusView {
  sweep: string;
  status: Omit<SweepStatus, 'workers'> & { workers: DashboardWorker[] };
  stages: StageCounts[];
  metrics: string[];
  latest: ReturnType<typeof latestFinished>;
}

/** Progress, stages, workers (a silent one shown as gone) and the latest finished trials. */
export function sweepStatusView(db: Db, sweep: string, now = Date.now()): SweepStatusView {
  const id = sweepIdByName(db, sweep);
  const st = sweepStatus(db, sweep, { now });
  const workers = st.workers.map((w) => ({ ...w, shownState: w.state === 'gone' || w.heartbeatAgeS > SILENT_GONE_S ? 'gone' : w.state }));
  return { sweep, status: { ...st, workers }, stages: sweepStages(db, id), metrics: sweepMetricNames(db, id), latest: latestFinished(db, id) };
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

export function trialView(db: Db, idOrKey: string): TrialView {
  const trial = trialRow(db, idOrKey);
  if (!trial) throw new UserError(`no trial ${JSON.stringify(idOrKey)} (give its id or at least 6 characters of its key)`);
  const m = trialMetrics(db, trial.id);
  return {
    trial,
    result: trialResult(db, trial.id),
    attempts: trialAttempts(db, trial.id),
    final: m.final,
    stream: m.stream,
    artifacts: trialArtifacts(db, trial.id).map((a) => ({ ...a, url: `/artifact/${a.id}`, image: IMAGE.test(a.path) })),
    events: trialEvents(db, trial.id),
  };
}

export function failuresView(db: Db, sweep: string): { sweep: string; failures: FailedAttempt[] } {
  return { sweep, failures: failedAttempts(db, sweepIdByName(db, sweep)) };
}
