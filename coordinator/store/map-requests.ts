/**
 * `wepadim maps TRIAL` at the store: resolve a trial key (every sweep holding it) or id, queue a maps job for
 * each done trial of an objective that makes maps (./map-jobs.ts request: once; again only after a failure),
 * and report each job's state with its reported and stored map counts. Runs in the caller's transaction.
 */
import type { Db } from './db.js';
import type { MapJobs } from './map-jobs.js';
import { MAP_OBJECTIVES } from './reads/maps.js';
import { trialKeyResolver } from './trial-keys.js';

export interface MapRequestState {
  trialId: number;
  trialKey: string;
  sweep: string;
  /** pending | leased | done | failed, "none" (no job), or "refused" (error says why) */
  status: string;
  error: string;
  reported: number;
  stored: number;
}

interface TrialRow {
  id: number;
  key: string;
  sweep: string;
  status: string;
  objective: string;
  job: string | null;
  error: string | null;
  reported: number | null;
  stored: number;
}

export function mapRequests(db: Db, jobs: MapJobs) {
  const select = `SELECT t.id, t.key, s.name AS sweep, t.status, t.objective, j.status AS job, j.error, j.maps AS reported,
      (SELECT count(*) FROM artifacts a WHERE a.trial_id = t.id AND a.sha256 IS NOT NULL
         AND a.kind IN ('map-high','map-low')) AS stored
    FROM trials t JOIN sweeps s ON s.id = t.sweep_id LEFT JOIN map_jobs j ON j.trial_id = t.id`;
  const s = {
    byKey: db.prepare(`${select} WHERE t.key = ? ORDER BY t.id`),
    byId: db.prepare(`${select} WHERE t.id = ?`),
  };
  const fullKey = trialKeyResolver(db);
  const rows = (trial: string): TrialRow[] => {
    const byKey = s.byKey.all(trial) as TrialRow[];
    if (byKey.length) return byKey;
    const byId = /^\d{1,15}$/.test(trial) ? (s.byId.all(Number(trial)) as TrialRow[]) : [];
    return byId.length ? byId : (s.byKey.all(fullKey(trial)) as TrialRow[]);
  };
  const stateOf = (r: TrialRow, refused: string | null): MapRequestState => ({
    trialId: r.id,
    trialKey: r.key,
    sweep: r.sweep,
    status: refused ? 'refused' : (r.job ?? 'none'),
    error: refused ?? r.error ?? '',
    reported: r.reported ?? 0,
    stored: r.stored,
  });
  return {
    request(trial: string, queue: boolean, now: number): MapRequestState[] {
      return rows(trial).map((r) => {
        let refused: string | null = null;
        if (r.status !== 'done') refused = `trial ${r.key} is ${r.status}: maps are made for done trials`;
        else if (!MAP_OBJECTIVES.includes(r.objective))
          refused = `trial ${r.key} ran objective ${r.objective}, which makes no anomaly maps`;
        if (refused || !queue) return stateOf(r, refused);
        jobs.request(r.id, now);
        return stateOf((s.byId.all(r.id) as TrialRow[])[0], null);
      });
    },
  };
}
