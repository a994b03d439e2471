/** Types of the lease store (./leases.ts): what the scheduler and server pass in and get back, and the group-policy port. */
import type { TrialResult } from '../../shared/result.js';

export interface WorkerRegistration {
  id: string;
  host: string;
  gpuIndex: number | null;
  gpuName: string | null;
  backend: string;
  memoryMb: number | null;
  /** feature_key values of the worker's warm feature caches */
  caches: readonly string[];
}

export type WorkerState = 'active' | 'draining' | 'gone';

export interface WorkerRow {
  id: string;
  host: string;
  gpu_index: number | null;
  gpu_name: string | null;
  backend: string;
  memory_mb: number | null;
  caches_json: string;
  state: WorkerState;
  registered_at: number;
  last_heartbeat: number;
}

export interface GrantedTrial {
  trialId: number;
  attemptId: number;
  key: string;
  sweep: string;
  stage: string;
  objective: string;
  paramsJson: string;
  featureKey: string;
  dwtKey: string;
  leaseId: string;
  fencingToken: number;
  /** 1-based number of this attempt */
  attempt: number;
  maxAttempts: number;
  /** a maps job (./map-jobs.ts): re-run the done trial with its anomaly maps kept; its result is only checked */
  mapsOnly?: boolean;
}

/** A lease on a group of compatible trials (same feature_key; same dwt_key first). */
export interface LeaseGroup {
  featureKey: string;
  dwtKey: string;
  expiresAt: number;
  trials: GrantedTrial[];
}

export interface LeaseRef {
  leaseId: string;
  fencingToken: number;
}

export type LostReason = 'expired' | 'cancelled' | 'stale' | 'unknown' | 'finished';

export type LeaseCheck =
  | { leaseId: string; ok: true; expiresAt: number; trialKey: string }
  | { leaseId: string; ok: false; reason: LostReason; trialKey: string | null };

export interface FinishOutcome {
  leaseId: string;
  accepted: boolean;
  /** true when the same lease had already recorded this outcome (idempotent resend) */
  duplicate: boolean;
  trialStatus: string;
  trialKey: string | null;
  reason: string;
}

export interface CompletionInput extends LeaseRef {
  result: TrialResult;
}

export interface FailureInput extends LeaseRef {
  error: string;
  retryable: boolean;
}

export interface ProgressInput extends LeaseRef {
  seq: number;
  phase: string;
  done: number;
  total: number;
  values: Record<string, number>;
}

export type ProgressOutcome = 'applied' | 'duplicate' | 'stale';

export interface ProgressResult {
  outcome: ProgressOutcome;
  trialKey: string | null;
}

export interface ExpiredLease {
  trialId: number;
  trialKey: string;
  leaseId: string;
  workerId: string;
  /** where the trial went: back to pending, or failed for good (attempt limit reached) */
  status: 'pending' | 'failed';
}

export interface CancelledLease {
  trialKey: string;
  leaseId: string;
  workerId: string;
}

export interface CancelOutcome {
  matched: 'sweep' | 'trial' | 'none';
  cancelled: number;
  /** leased or running trials that were cancelled: their workers must be told */
  interrupted: CancelledLease[];
  /** the sweep's name or the trial's full key that matched */
  target: string;
  /** open maps jobs of the sweep or trial, ended failed */
  mapsCancelled: number;
  /** maps jobs that were leased: their workers must be told too (no trial changed state) */
  mapsInterrupted: CancelledLease[];
}

/** What a group policy may ask about the pending trials (inside acquire's transaction). */
export interface PendingView {
  /** true when some trial of this feature_key is pending */
  hasPending(featureKey: string): boolean;
  /** the feature_key with the most pending trials (ties: submitted first), or null when none */
  largest(): string | null;
}

/** The scheduler's choice of which pending group (feature_key) a worker leases next; null when none. */
export interface GroupPolicy {
  pick(caches: readonly string[], pending: PendingView): string | null;
}
