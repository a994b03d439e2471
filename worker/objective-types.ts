/**
 * The contract between the worker's client (leases, streams, spooling) and what runs a trial.
 * Two objectives implement it: `wepadim` (worker/runner, the real method) and `synthetic`
 * (worker/synthetic, for load and fault tests).
 */
import type { TrialResult } from '../shared/result.js';
import type { TrialParams } from '../shared/trial.js';

export interface LeasedTrial {
  trialId: number;
  key: string;
  leaseId: string;
  fencingToken: number;
  params: TrialParams;
  /** the search stage the trial belongs to (the wire's `stage`); each stage's winners get their own maps */
  stage?: string;
  /**
   * a maps job: the trial is done at the coordinator; run it again with its anomaly maps kept and report them
   * (its metrics must come out equal; the coordinator checks and does not record them again)
   */
  mapsOnly?: boolean;
}

/** Progress of one trial: phase name, units done/total, and optional partial metric values. */
export interface TrialProgress {
  phase: string;
  done: number;
  total: number;
  values?: Record<string, number>;
}

export type TrialOutcome = { ok: true; result: TrialResult } | { ok: false; error: string; retryable: boolean };

export interface GroupCallbacks {
  progress(trialKey: string, p: TrialProgress): void;
  /** called once per trial as soon as it finishes; a group may finish trials one by one */
  finished(trialKey: string, outcome: TrialOutcome): void;
  /** aborted when the lease of a trial is lost or the trial is cancelled; the objective stops that trial */
  signalFor(trialKey: string): AbortSignal;
}

export interface Objective {
  readonly name: string;
  /** Run a group of compatible trials (one lease). Must call `finished` exactly once per trial. */
  runGroup(trials: readonly LeasedTrial[], cb: GroupCallbacks): Promise<void>;
  dispose?(): Promise<void>;
}
