/** Admin RPCs for `wepadim drain|cancel` (and a status view): they need the same token as workers. */
import type { CancelRequest__Output } from '../../proto/gen/wepadim/v1/CancelRequest.js';
import type { CancelResponse } from '../../proto/gen/wepadim/v1/CancelResponse.js';
import type { DrainRequest__Output } from '../../proto/gen/wepadim/v1/DrainRequest.js';
import type { DrainResponse } from '../../proto/gen/wepadim/v1/DrainResponse.js';
import type { StatusRequest__Output } from '../../proto/gen/wepadim/v1/StatusRequest.js';
import type { StatusResponse } from '../../proto/gen/wepadim/v1/StatusResponse.js';
import type { ServerDeps } from './deps.js';
import { invalidArgument, unary } from './guard.js';
import * as v from './validate.js';

/** Drain a worker: it finishes its running trials and takes no new lease (the Drain RPC and the dashboard). */
export function drainWorker(d: ServerDeps, workerId: string): { found: boolean; state: string; leased_trials: number } {
  const { store, scheduler, hub, events, guard } = d;
  const found = store.setWorkerState(workerId, 'draining');
  if (found) {
    hub.drain(workerId, 'drain requested');
    scheduler.wake(); // a waiting Acquire of this worker returns (empty, draining) at once
    events.emit('worker', { workerId, state: 'draining' });
    guard.log.info('worker draining', { worker: workerId });
  }
  return {
    found,
    state: store.getWorker(workerId)?.state ?? '',
    leased_trials: found ? store.activeLeases(workerId) : 0,
  };
}

/** Cancel a sweep's unfinished trials or one trial; running ones are told to stop (the Cancel RPC and the dashboard). */
export function cancelTarget(
  d: ServerDeps,
  target: string,
): { matched: string; cancelled: number; interrupted: number; maps_cancelled: number } {
  const { store, scheduler, hub, events, guard } = d;
  const out = store.cancel(target, scheduler.now());
  const byWorker = new Map<string, { keys: string[]; leases: string[] }>();
  for (const i of out.interrupted) {
    const w = byWorker.get(i.workerId) ?? { keys: [], leases: [] };
    w.keys.push(i.trialKey);
    w.leases.push(i.leaseId);
    byWorker.set(i.workerId, w);
    events.emit('finished', { workerId: i.workerId, trialKey: i.trialKey, status: 'cancelled' });
  }
  // a running maps job stops too; its trial keeps its state, so no trial event
  for (const i of out.mapsInterrupted) {
    const w = byWorker.get(i.workerId) ?? { keys: [], leases: [] };
    w.keys.push(i.trialKey);
    w.leases.push(i.leaseId);
    byWorker.set(i.workerId, w);
  }
  for (const [workerId, w] of byWorker) hub.cancel(workerId, w.keys, w.leases, `cancelled: ${out.matched} ${target}`);
  if (out.cancelled || out.mapsCancelled)
    guard.log.info('cancelled', {
      target,
      matched: out.matched,
      trials: out.cancelled,
      interrupted: out.interrupted.length,
      maps_jobs: out.mapsCancelled,
    });
  return {
    matched: out.matched,
    cancelled: out.cancelled,
    interrupted: out.interrupted.length,
    maps_cancelled: out.mapsCancelled,
  };
}

export function adminHandlers(d: ServerDeps) {
  const { store, hub, guard } = d;

  const Drain = unary<DrainRequest__Output, DrainResponse>(guard, 'Drain', (req) =>
    drainWorker(d, v.workerId(req.worker_id)),
  );

  const Cancel = unary<CancelRequest__Output, CancelResponse>(guard, 'Cancel', (req) => {
    if (!req.target || req.target.length > 512)
      throw invalidArgument('target: a sweep name or trial key is required (at most 512 characters)');
    return cancelTarget(d, req.target);
  });

  const Status = unary<StatusRequest__Output, StatusResponse>(guard, 'Status', () => ({
    workers: store.listWorkers().map((w) => ({
      worker_id: w.id,
      host: w.host,
      gpu_index: w.gpu_index ?? -1,
      backend: w.backend,
      state: w.state,
      last_heartbeat_ms: w.last_heartbeat,
      leased_trials: store.activeLeases(w.id),
      connected: hub.isConnected(w.id),
    })),
    trials_by_status: store.statusCounts(),
    shutting_down: d.isShuttingDown(),
  }));

  return { Drain, Cancel, Status };
}
