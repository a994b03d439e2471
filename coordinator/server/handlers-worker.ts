/** The RPCs a worker calls: Register, Acquire (long-polled), Heartbeat, Complete, Fail. */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { AcquireRequest__Output } from '../../proto/gen/wepadim/v1/AcquireRequest.js';
import type { AcquireResponse } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import type { CompleteRequest__Output } from '../../proto/gen/wepadim/v1/CompleteRequest.js';
import type { FailRequest__Output } from '../../proto/gen/wepadim/v1/FailRequest.js';
import type { FinishResponse } from '../../proto/gen/wepadim/v1/FinishResponse.js';
import type { HeartbeatRequest__Output } from '../../proto/gen/wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse } from '../../proto/gen/wepadim/v1/HeartbeatResponse.js';
import type { RegisterRequest__Output } from '../../proto/gen/wepadim/v1/RegisterRequest.js';
import type { RegisterResponse } from '../../proto/gen/wepadim/v1/RegisterResponse.js';
import type { Logger } from '../../shared/log.js';
import type { FinishOutcome } from '../store/lease-types.js';
import type { ServerDeps } from './deps.js';
import { RpcError, invalidArgument, unary } from './guard.js';
import * as v from './validate.js';

/** Margin kept before a call's deadline so a long-polled Acquire answers (empty) in time. */
const DEADLINE_MARGIN_MS = 250;

function outcomesMessage(outcomes: FinishOutcome[], log: Logger, workerId: string, kind: string): FinishResponse {
  for (const o of outcomes)
    if (!o.accepted)
      log.warn(`stale ${kind} rejected (kept in events)`, {
        worker: workerId,
        lease: o.leaseId,
        trial: o.trialKey ?? undefined,
        reason: o.reason,
      });
  return {
    outcomes: outcomes.map((o) => ({
      lease_id: o.leaseId,
      accepted: o.accepted,
      trial_status: o.trialStatus,
      reason: o.reason,
      duplicate: o.duplicate,
    })),
  };
}

function deadlineBudget(call: grpc.ServerUnaryCall<unknown, unknown>, now: number): number {
  const d = call.getDeadline();
  const at = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(at) ? Math.max(0, at - now - DEADLINE_MARGIN_MS) : Infinity;
}

export function workerHandlers(d: ServerDeps) {
  const { store, scheduler, commit, events, guard, settings } = d;

  const Register = unary<RegisterRequest__Output, RegisterResponse>(guard, 'Register', (req) => {
    const id = req.worker_id
      ? v.workerId(req.worker_id)
      : `${(req.host || 'worker').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64)}-${randomUUID().slice(0, 8)}`;
    store.registerWorker(v.registration(req, id), scheduler.now());
    events.emit('worker', { workerId: id, state: 'registered' });
    guard.log.info('worker registered', { worker: id, host: req.host, backend: req.backend, gpu: req.gpu_index });
    return {
      worker_id: id,
      lease_ttl_ms: settings.leaseTtlMs,
      heartbeat_interval_ms: Math.max(10, Math.floor(settings.leaseTtlMs / 3)),
      max_message_bytes: settings.maxMessageBytes,
      draining: false,
    };
  });

  const Acquire = unary<AcquireRequest__Output, AcquireResponse>(guard, 'Acquire', async (req, call) => {
    const workerId = v.workerId(req.worker_id);
    if (req.max_trials < 0 || req.max_trials > 256)
      throw invalidArgument(`max_trials: must be 1..256, got ${req.max_trials}`);
    if (req.wait_ms < 0) throw invalidArgument('wait_ms: must be >= 0');
    if (req.request_id.length > 128) throw invalidArgument('request_id: at most 128 characters');
    const given = v.caches(req.feature_caches);
    const now = scheduler.now();
    const state = store.touchWorker(workerId, now, given);
    if (state === null)
      throw new RpcError(grpc.status.FAILED_PRECONDITION, `unknown worker ${workerId}: call Register first`);
    const empty = (draining: boolean): AcquireResponse => ({
      trials: [],
      draining,
      retry_after_ms: d.isShuttingDown() ? 1000 : 0,
      lease_ttl_ms: settings.leaseTtlMs,
    });
    // a replay of the worker's last request id gets what that call got, also while draining or shutting down
    // (the worker cancelled it on a drain; a group it was granted must not wait out its TTL)
    const replay = scheduler.isReplay(workerId, req.request_id);
    if (state === 'draining' && !replay) return empty(true);
    if (d.isShuttingDown() && !replay) return empty(false);
    const caches = given.length ? given : store.workerCaches(workerId);
    const waitMs = Math.min(
      req.wait_ms > 0 ? req.wait_ms : settings.acquireWaitMs,
      settings.acquireWaitMs,
      deadlineBudget(call, now),
    );
    const abort = new AbortController();
    call.once('cancelled', () => abort.abort());
    const group = await scheduler.acquire({
      workerId,
      max: req.max_trials || 1,
      caches,
      waitMs,
      requestId: req.request_id,
      signal: abort.signal,
    });
    if (!group) return empty(store.workerState(workerId) === 'draining');
    return {
      trials: group.trials.map((t) => ({
        trial_id: t.trialId,
        key: t.key,
        sweep: t.sweep,
        stage: t.stage,
        objective: t.objective,
        params_json: t.paramsJson,
        lease_id: t.leaseId,
        fencing_token: t.fencingToken,
        attempt: t.attempt,
        max_attempts: t.maxAttempts,
        maps_only: t.mapsOnly === true,
      })),
      feature_key: group.featureKey,
      dwt_key: group.dwtKey,
      lease_expires_at_ms: group.expiresAt,
      lease_ttl_ms: settings.leaseTtlMs,
      draining: false,
      retry_after_ms: 0,
    };
  });

  const Heartbeat = unary<HeartbeatRequest__Output, HeartbeatResponse>(guard, 'Heartbeat', async (req) => {
    const workerId = v.workerId(req.worker_id);
    const refs = v.leaseRefs(req.leases);
    const checks = await commit.run(() => store.heartbeat(workerId, refs, scheduler.now(), settings.leaseTtlMs));
    return {
      leases: checks.map((c) =>
        c.ok
          ? { lease_id: c.leaseId, ok: true, expires_at_ms: c.expiresAt, reason: '' }
          : { lease_id: c.leaseId, ok: false, expires_at_ms: 0, reason: c.reason },
      ),
      draining: store.workerState(workerId) === 'draining',
      lease_ttl_ms: settings.leaseTtlMs,
    };
  });

  const Complete = unary<CompleteRequest__Output, FinishResponse>(guard, 'Complete', async (req) => {
    const workerId = v.workerId(req.worker_id);
    const items = v.list(req.results, 'results').map(v.completion);
    const outcomes = await commit.run(() => store.complete(workerId, items, scheduler.now()), { durable: true });
    for (const o of outcomes)
      if (o.accepted && !o.duplicate && o.trialKey)
        events.emit('finished', { workerId, trialKey: o.trialKey, status: 'done' });
    return outcomesMessage(outcomes, guard.log, workerId, 'completion');
  });

  const Fail = unary<FailRequest__Output, FinishResponse>(guard, 'Fail', async (req) => {
    const workerId = v.workerId(req.worker_id);
    const items = v.list(req.failures, 'failures').map(v.failure);
    const outcomes = await commit.run(() => store.fail(workerId, items, scheduler.now()), { durable: true });
    let requeued = false;
    for (const o of outcomes) {
      if (!o.accepted || o.duplicate || !o.trialKey) continue;
      requeued ||= o.trialStatus === 'pending';
      events.emit('finished', {
        workerId,
        trialKey: o.trialKey,
        status: o.trialStatus === 'pending' ? 'requeued' : 'failed',
      });
    }
    if (requeued) scheduler.wake();
    return outcomesMessage(outcomes, guard.log, workerId, 'failure');
  });

  return { Register, Acquire, Heartbeat, Complete, Fail };
}
