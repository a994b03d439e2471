/**
 * Wire messages -> lease-store inputs, with every field checked. A bad field throws INVALID_ARGUMENT
 * naming the field (e.g. `results[2].metrics["image_auroc"]: not a finite number`), before any state changes.
 */
import type { LeaseRef__Output } from '../../proto/gen/wepadim/v1/LeaseRef.js';
import type { ProgressUpdate__Output } from '../../proto/gen/wepadim/v1/ProgressUpdate.js';
import type { RegisterRequest__Output } from '../../proto/gen/wepadim/v1/RegisterRequest.js';
import type { TrialFailure__Output } from '../../proto/gen/wepadim/v1/TrialFailure.js';
import type { TrialSuccess__Output } from '../../proto/gen/wepadim/v1/TrialSuccess.js';
import type { ArtifactRef, TrialResult } from '../../shared/result.js';
import type {
  CompletionInput,
  FailureInput,
  LeaseRef,
  ProgressInput,
  WorkerRegistration,
} from '../store/lease-types.js';
import { invalidArgument } from './guard.js';

export const MAX_LIST = 1024;
const MAX_ERROR_CHARS = 16_384;

export function workerId(v: string, field = 'worker_id'): string {
  if (!v) throw invalidArgument(`${field}: required`);
  if (v.length > 128 || !/^[A-Za-z0-9._:@/-]+$/.test(v))
    throw invalidArgument(`${field}: must be 1-128 characters of [A-Za-z0-9._:@/-]`);
  return v;
}

function text(v: string, field: string, max = 1024): string {
  if (v.length > max) throw invalidArgument(`${field}: longer than ${max} characters`);
  return v;
}

function list<T>(v: readonly T[], field: string, max = MAX_LIST): readonly T[] {
  if (v.length > max) throw invalidArgument(`${field}: more than ${max} entries`);
  return v;
}

function count(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw invalidArgument(`${field}: must be a non-negative integer, got ${v}`);
  return v;
}

function finiteMap(m: Record<string, number>, field: string): Record<string, number> {
  const entries = Object.entries(m);
  list(entries, field);
  for (const [k, v] of entries) {
    if (!k || k.length > 200) throw invalidArgument(`${field}: metric names must be 1-200 characters`);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw invalidArgument(`${field}[${JSON.stringify(k)}]: not a finite number (${v})`);
  }
  return { ...m };
}

export function caches(v: readonly string[], field = 'feature_caches'): string[] {
  return list(v, field, 256).map((c, i) => text(c, `${field}[${i}]`, 512));
}

export function registration(req: RegisterRequest__Output, assignedId: string): WorkerRegistration {
  if (!Number.isInteger(req.gpu_index) || req.gpu_index < -1)
    throw invalidArgument(`gpu_index: must be -1 (no GPU) or an index >= 0, got ${req.gpu_index}`);
  return {
    id: assignedId,
    host: text(req.host, 'host', 255),
    gpuIndex: req.gpu_index < 0 ? null : req.gpu_index,
    gpuName: req.gpu_name ? text(req.gpu_name, 'gpu_name', 255) : null,
    backend: text(req.backend, 'backend', 64) || 'unknown',
    memoryMb: req.memory_mb > 0 ? count(req.memory_mb, 'memory_mb') : null,
    caches: caches(req.feature_caches),
  };
}

export function leaseRef(r: LeaseRef__Output | { lease_id: string; fencing_token: number }, field: string): LeaseRef {
  if (!r.lease_id || r.lease_id.length > 64)
    throw invalidArgument(`${field}.lease_id: required, at most 64 characters`);
  if (!Number.isSafeInteger(r.fencing_token) || r.fencing_token < 1)
    throw invalidArgument(`${field}.fencing_token: must be a positive integer`);
  return { leaseId: r.lease_id, fencingToken: r.fencing_token };
}

export function leaseRefs(v: readonly LeaseRef__Output[]): LeaseRef[] {
  return list(v, 'leases').map((r, i) => leaseRef(r, `leases[${i}]`));
}

export function completion(s: TrialSuccess__Output, i: number): CompletionInput {
  const field = `results[${i}]`;
  const ref = leaseRef(s, field);
  const p = s.provenance;
  if (!p) throw invalidArgument(`${field}.provenance: required`);
  const artifacts: ArtifactRef[] = list(s.artifacts, `${field}.artifacts`).map((a, j) => {
    if (!a.kind || !a.path) throw invalidArgument(`${field}.artifacts[${j}]: kind and path are required`);
    return {
      kind: text(a.kind, `${field}.artifacts[${j}].kind`, 64),
      path: text(a.path, `${field}.artifacts[${j}].path`, 4096),
    };
  });
  let details: Record<string, unknown> | undefined;
  if (s.details_json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s.details_json);
    } catch (err) {
      throw invalidArgument(`${field}.details_json: not JSON (${(err as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw invalidArgument(`${field}.details_json: must be a JSON object`);
    details = parsed as Record<string, unknown>;
  }
  const result: TrialResult = {
    metrics: finiteMap(s.metrics, `${field}.metrics`),
    artifacts,
    provenance: {
      code_version: text(p.code_version, `${field}.provenance.code_version`, 128),
      backend: text(p.backend, `${field}.provenance.backend`, 64),
      device: text(p.device, `${field}.provenance.device`, 256),
      weights: text(p.weights, `${field}.provenance.weights`, 256),
      dataset_root: text(p.dataset_root, `${field}.provenance.dataset_root`, 4096),
      class: text(p.class, `${field}.provenance.class`, 256),
    },
    ...(details ? { details } : {}),
  };
  return { ...ref, result };
}

export function failure(f: TrialFailure__Output, i: number): FailureInput {
  const ref = leaseRef(f, `failures[${i}]`);
  const error = f.error.length > MAX_ERROR_CHARS ? `${f.error.slice(0, MAX_ERROR_CHARS)}... (truncated)` : f.error;
  return { ...ref, error: error || '(no error message)', retryable: f.retryable };
}

export function progress(u: ProgressUpdate__Output, i: number): ProgressInput {
  const field = `updates[${i}]`;
  const ref = leaseRef(u, field);
  if (!Number.isSafeInteger(u.seq) || u.seq < 1) throw invalidArgument(`${field}.seq: must be a positive integer`);
  return {
    ...ref,
    seq: u.seq,
    phase: text(u.phase, `${field}.phase`, 64),
    done: count(u.done, `${field}.done`),
    total: count(u.total, `${field}.total`),
    values: finiteMap(u.values, `${field}.values`),
  };
}

export { list };
