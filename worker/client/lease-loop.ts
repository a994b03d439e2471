/**
 * The lease loop: while a slot is free and the worker is not draining, ask for a lease group
 * (long-polled Acquire), hold its leases and queue the group. A lost answer is retried with the same
 * request id, so the coordinator hands the same lease out again. When the coordinator has answered
 * "no work" for `idleExitMs`, the worker drains. A drain or a stop cancels the Acquire in flight (the
 * coordinator hands back a group it granted to the cancelled call), so the worker leaves at once.
 */
import { randomUUID } from 'node:crypto';
import type PQueue from 'p-queue';
import type { AcquireRequest } from '../../proto/gen/wepadim/v1/AcquireRequest.js';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import type { LeasedTrial } from '../objective-types.js';
import { Backoff, sleep } from './backoff.js';
import type { Drain } from './drain.js';
import { authError, errText } from './failures.js';
import type { HeldLeases } from './held-leases.js';
import { toLeasedTrials, type RejectedLease } from './lease-params.js';
import { isAuthFailure } from './rpc.js';
import type { WorkerEvent } from './types.js';

export interface AcquireTransport {
  /** `signal` aborts when the worker drains or stops: the call must then end at once */
  acquire(req: AcquireRequest, timeoutMs: number, signal?: AbortSignal): Promise<AcquireResponse__Output>;
}

export interface LeaseLoopDeps {
  rpc: AcquireTransport;
  workerId: string;
  /** most trials per lease */
  groupSize: number;
  /** lease groups in flight at once */
  concurrency: number;
  /** longest hold of one long-polled acquire */
  waitMs: number;
  idleExitMs: number | null;
  featureCaches(): string[];
  held: HeldLeases;
  drain: Drain;
  /** runs the groups, at most `concurrency` at once */
  queue: PQueue;
  runGroup(trials: LeasedTrial[]): Promise<void>;
  /** a leased trial whose params failed the check: reported failed at once (not retryable), never run */
  rejected(r: RejectedLease): void;
  /** the lease was granted (the worker's first heartbeat goes out from here) */
  leased(trials: LeasedTrial[]): void;
  /** register again (the coordinator forgot this worker) */
  reregister(): Promise<void>;
  emit(e: WorkerEvent): void;
  now?: () => number;
}

export async function runLeaseLoop(d: LeaseLoopDeps, signal: AbortSignal, backoff = new Backoff()): Promise<void> {
  const now = d.now ?? Date.now;
  const slots = Math.max(1, d.concurrency);
  /** when the coordinator started answering "no work" (continuously since); null while working or unreachable */
  let idleSince: number | null = null;
  let requestId = randomUUID();
  const stopAsking = AbortSignal.any([signal, d.drain.signal]);
  const request = (waitMs: number): AcquireRequest => ({
    worker_id: d.workerId,
    max_trials: Math.max(1, d.groupSize),
    feature_caches: d.featureCaches(),
    wait_ms: waitMs,
    request_id: requestId,
  });
  /** hold and queue the trials of an answer */
  const take = (res: AcquireResponse__Output, asked: number): void => {
    const { trials, rejected } = toLeasedTrials(res);
    for (const r of rejected) d.rejected(r);
    if (trials.length === 0) return;
    d.held.add(trials);
    d.emit({
      type: 'leased',
      leaseIds: trials.map((t) => t.leaseId),
      trialKeys: trials.map((t) => t.key),
      acquireMs: performance.now() - asked,
    });
    d.leased(trials);
    void d.queue.add(() => d.runGroup(trials));
  };
  while (!signal.aborted && !d.drain.active) {
    if (d.queue.pending + d.queue.size >= slots) {
      // every slot busy: wait for a group to finish (or a drain / stop)
      const freed = (): void => d.drain.changed.wake();
      d.queue.once('next', freed);
      await d.drain.changed.wait(signal, 1000);
      d.queue.off('next', freed);
      continue;
    }
    if (d.idleExitMs != null && d.held.size === 0 && idleSince !== null && now() - idleSince > d.idleExitMs) {
      d.emit({ type: 'idle-exit', idleMs: now() - idleSince });
      d.drain.start('idle');
      break;
    }
    let res: AcquireResponse__Output;
    const asked = performance.now();
    try {
      res = await d.rpc.acquire(request(d.waitMs), d.waitMs + 5000, stopAsking);
      backoff.reset();
    } catch (err) {
      if (stopAsking.aborted) {
        d.emit({ type: 'acquire-cancelled', reason: d.drain.active ? `drain: ${d.drain.reason}` : 'stopped' });
        // draining: the answer may have crossed the cancel on the wire. The same request id once more (no
        // wait) returns what that call was granted, or nothing (never a new lease); what it returns is held,
        // run and delivered like any lease. A hard stop skips this: its leases are not run.
        if (!signal.aborted) {
          const last = await d.rpc.acquire(request(1), 5000, signal).catch(() => null);
          if (last) take(last, asked);
        }
        break;
      }
      if (isAuthFailure(err)) throw authError(err);
      const ms = backoff.next();
      idleSince = null; // an unreachable coordinator is not an empty queue
      d.emit({ type: 'disconnected', during: 'acquire', error: errText(err), retryInMs: ms });
      await sleep(ms, signal);
      if (/not registered|unknown worker/i.test(errText(err))) await d.reregister();
      continue; // same request id: a lease granted to a lost answer is handed out again
    }
    requestId = randomUUID();
    if (res.draining) d.drain.start('coordinator says draining');
    if (res.trials.length === 0) {
      idleSince ??= now();
      if (!d.drain.active) await sleep(Math.min(Number(res.retry_after_ms) || 0, 2000), stopAsking);
      continue;
    }
    idleSince = null;
    take(res, asked);
  }
}
