/** Types of the sweep store's public API. */
import type { TrialSpec } from '../../shared/trial.js';
import type { HalvingPlan } from '../search/spec.js';

export const TRIAL_STATUSES = ['pending', 'leased', 'running', 'done', 'failed', 'cancelled'] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

/**
 * What the store needs from an expanded sweep. coordinator/grid's ExpandedSweep has this shape
 * (and more), so it can be passed as is.
 */
export interface SubmittableSweep {
  name: string;
  sourcePath: string;
  sourceYaml: string;
  sourceHash: string;
  /** retry limit given to newly added trials */
  maxAttempts: number;
  /** every trial of the sweep, in expansion order (that order decides leaderboard ties) */
  trials: readonly TrialSpec[];
  /** a halving search: its spec and points; `trials` are then rung 0's, and later rungs are created by promotions */
  halving?: HalvingPlan | null;
}

export interface SubmitResult {
  sweepId: number;
  /** trials inserted by this submit */
  added: number;
  /** trials of the submitted grid that the store already held (kept with their status and results) */
  existing: number;
  /** trials of the sweep in the store after this submit (a grid point dropped from the YAML stays) */
  total: number;
  addedKeys: string[];
  /** true when the sweep name was new */
  created: boolean;
  /** true when the stored YAML text and hash were replaced by the submitted ones */
  sourceChanged: boolean;
  /** added trials that equal stored ones but for the dataset root (a copied config resolving roots elsewhere) */
  rootMoves: RootMove[];
}

/** `trials` submitted trials differ from stored ones of the same sweep only by their root: `submitted` vs `stored`. */
export interface RootMove {
  stored: string;
  submitted: string;
  trials: number;
}

export interface ResumeResult {
  /** failed or expired trials put back to pending */
  requeued: number;
  /** of which were leased/running with an expired lease */
  expired: number;
  /** failed or expired trials left alone because they used up their attempts */
  exhausted: number;
  /** of the re-queued, cancelled trials (resume --cancelled) */
  cancelled: number;
}
