/**
 * The worker loop: register, acquire leases (long-polled) while a p-queue slot is free, run each lease
 * group through its Objective, heartbeat every held lease, stream progress, spool and deliver results,
 * listen on the control stream for cancel and drain. Every connection failure is retried with jittered
 * exponential backoff; nothing here gives up on the coordinator.
 */
import { randomUUID } from 'node:crypto';
import { hostname, totalmem } from 'node:os';
import PQueue from 'p-queue';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import type { FinishOutcome__Output } from '../../proto/gen/wepadim/v1/FinishOutcome.js';
import { parseTrialParamsJson } from '../../shared/params/trial-params.js';
import { codeVersion } from '../../shared/version.js';
import type { LeasedTrial, TrialOutcome } from '../objective-types.js';
import { Backoff, sleep } from './backoff.js';
import { runControlStream } from './control.js';
import { Deliverer } from './deliverer.js';
import { featureCachesOf, objectiveLoader } from './objective-registry.js';
import { ProgressSender } from './progress-sender.js';
import { CoordinatorRpc, isAuthFailure } from './rpc.js';
import { UserError } from '../../shared/errors.js';
import { ResultSpool, type SpooledResult } from './spool.js';
import type { WorkerEvent, WorkerOptions } from './types.js';

interface Held {
  trial: LeasedTrial;
  abort: AbortController;
  /** finished locally (spooled); kept until the coordinator answered for it */
  finished: boolean;
}

/** delay of the first heartbeat after a lease: a group that finishes sooner needs none */
const FIRST_HEARTBEAT_MS = 100;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The coordinator refused our credentials: retrying cannot help, so the worker stops (exit code 2). */
const authError = (err: unknown): UserError =>
  new UserError(`the coordinator rejected this worker's credentials (${errText(err)}); check WEPADIM_TOKEN / --token-file and the TLS files`);

export async function runWorker(opts: WorkerOptions): Promise<void> {
  const emit = (e: WorkerEvent): void => opts.onEvent?.(e);
  const hard = opts.signal ?? new AbortController().signal;
  const stopAll = new AbortController(); // aborted when the worker returns: ends every loop
  const onHard = (): void => stopAll.abort();
  hard.addEventListener('abort', onHard, { once: true });
  const workerId = opts.workerId ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64)}:${opts.gpu === null ? 'cpu' : `gpu${opts.gpu}`}:${process.pid}`;
  const rpc = new CoordinatorRpc(opts.coordinator, opts.auth);
  const held = new Map<string, Held>(); // by lease id
  const byKey = new Map<string, string>(); // trial key -> lease id
  const progress = new ProgressSender();
  const objectives = objectiveLoader({ ...opts.objectiveOptions, backend: opts.backend, gpu: opts.gpu });
  let heartbeatMs = 2000;
  let draining = false;
  let drainReason = '';
  /** when the coordinator started answering "no work" (continuously since); null while working or unreachable */
  let idleSince: number | null = null;
  let wake: () => void = () => undefined; // wakes the delivery loop
  let wakeDrain: () => void = () => undefined;

  const deliverer = new Deliverer(new ResultSpool(opts.spoolDir), (r: SpooledResult, o: FinishOutcome__Output) => {
    emit({ type: 'delivered', leaseId: r.leaseId, accepted: o.accepted, trialStatus: o.trial_status, reason: o.reason, duplicate: o.duplicate });
    const h = held.get(r.leaseId);
    if (h) {
      held.delete(r.leaseId);
      if (byKey.get(h.trial.key) === r.leaseId) byKey.delete(h.trial.key);
    }
    progress.forget(r.leaseId);
  }, () => wake());

  const startDrain = (reason: string): void => {
    if (draining) return;
    draining = true;
    drainReason = reason;
    emit({ type: 'draining', reason });
    wakeDrain();
  };
  const onDrainSignal = (): void => startDrain('drain signal');
  opts.drainSignal?.addEventListener('abort', onDrainSignal, { once: true });
  if (opts.drainSignal?.aborted) startDrain('drain signal');

  const register = async (): Promise<void> => {
    const backoff = new Backoff();
    while (!stopAll.signal.aborted) {
      try {
        const res = await rpc.register({
          worker_id: workerId,
          host: hostname(),
          gpu_index: opts.gpu ?? -1,
          gpu_name: '',
          backend: opts.backend,
          memory_mb: Math.round(totalmem() / 2 ** 20),
          feature_caches: objectives.all().flatMap(featureCachesOf),
          code_version: codeVersion(),
        });
        heartbeatMs = Math.max(50, Number(res.heartbeat_interval_ms) || 2000);
        emit({ type: 'registered', workerId, leaseTtlMs: Number(res.lease_ttl_ms), heartbeatIntervalMs: heartbeatMs });
        if (res.draining) startDrain('coordinator says draining');
        return;
      } catch (err) {
        if (isAuthFailure(err)) throw authError(err);
        const d = backoff.next();
        emit({ type: 'disconnected', during: 'register', error: errText(err), retryInMs: d });
        await sleep(d, stopAll.signal);
      }
    }
  };

  const heartbeat = async (only?: readonly LeasedTrial[]): Promise<void> => {
    const leases = (only ?? [...held.values()].map((h) => h.trial)).map((t) => ({ lease_id: t.leaseId, fencing_token: t.fencingToken }));
    if (leases.length === 0) return;
    try {
      const res = await rpc.heartbeat({ worker_id: workerId, leases });
      if (res.draining) startDrain('coordinator says draining');
      for (const s of res.leases) {
        if (s.ok) continue;
        const h = held.get(s.lease_id);
        if (!h) continue;
        emit({ type: 'lease-lost', leaseId: s.lease_id, key: h.trial.key, reason: s.reason });
        h.abort.abort(`lease ${s.reason || 'lost'}`);
      }
    } catch {
      // unreachable: the coordinator decides about expiry; results still get spooled and offered
    }
  };
  const heartbeatLoop = async (): Promise<void> => {
    while (!stopAll.signal.aborted) {
      await sleep(heartbeatMs, stopAll.signal);
      if (!stopAll.signal.aborted) await heartbeat();
    }
  };

  const progressLoop = async (): Promise<void> => {
    while (!stopAll.signal.aborted) {
      await sleep(250, stopAll.signal);
      try {
        await progress.flush(workerId, rpc);
      } catch {
        // kept and resent on the next flush
      }
    }
  };

  const deliveryLoop = async (): Promise<void> => {
    const backoff = new Backoff();
    while (!stopAll.signal.aborted) {
      if (deliverer.deliverable === 0) {
        await new Promise<void>((r) => {
          const done = (): void => {
            stopAll.signal.removeEventListener('abort', done);
            r();
          };
          wake = done;
          stopAll.signal.addEventListener('abort', done, { once: true });
        });
        continue;
      }
      try {
        // progress first, so a trial's last updates land before its result closes the lease (an update
        // arriving after the Complete is stale and dropped); results whose progress is still unacknowledged
        // wait for the next round. When progress cannot be sent at all, results go anyway (progress is advisory).
        const progressOk = await progress.flushAll(workerId, rpc).then(() => true, () => false);
        await deliverer.deliver(rpc, progressOk ? (leaseId) => !progress.hasPending(leaseId) : undefined);
        backoff.reset();
        wakeDrain();
      } catch (err) {
        const d = backoff.next();
        emit({ type: 'disconnected', during: 'deliver', error: errText(err), retryInMs: d });
        await sleep(d, stopAll.signal);
      }
    }
  };

  const controlLoop = (): Promise<void> =>
    runControlStream(rpc, workerId, stopAll.signal, {
      cancel: (trialKeys, leaseIdList, reason) => {
        const leaseIds = new Set(leaseIdList);
        for (const k of trialKeys) {
          const l = byKey.get(k);
          if (l) leaseIds.add(l);
        }
        emit({ type: 'cancel', leaseIds: [...leaseIds], reason });
        for (const l of leaseIds) held.get(l)?.abort.abort(`cancelled: ${reason}`);
      },
      drain: (reason) => startDrain(reason),
      disconnected: (error, retryInMs) => emit({ type: 'disconnected', during: 'control', error, retryInMs }),
    });

  const finish = (t: LeasedTrial, outcome: TrialOutcome): void => {
    const h = held.get(t.leaseId);
    if (!h || h.finished) return;
    h.finished = true;
    emit({ type: 'finished', key: t.key, leaseId: t.leaseId, ok: outcome.ok, error: outcome.ok ? undefined : outcome.error });
    deliverer.add({ trialId: t.trialId, key: t.key, leaseId: t.leaseId, fencingToken: t.fencingToken, outcome, finishedAt: Date.now(), workerId });
  };

  const runGroup = async (trials: LeasedTrial[]): Promise<void> => {
    const byTrialKey = new Map(trials.map((t) => [t.key, t]));
    const cb = {
      progress: (key: string, p: Parameters<ProgressSender['push']>[2]) => {
        const t = byTrialKey.get(key);
        if (t) progress.push(t.leaseId, t.fencingToken, p);
      },
      finished: (key: string, o: TrialOutcome) => {
        const t = byTrialKey.get(key);
        if (t) finish(t, o);
      },
      signalFor: (key: string) => held.get(byTrialKey.get(key)?.leaseId ?? '')?.abort.signal ?? AbortSignal.abort('unknown trial'),
    };
    try {
      const objective = await objectives.get(trials[0].params.objective);
      await objective.runGroup(trials, cb);
    } catch (err) {
      for (const t of trials) finish(t, { ok: false, error: `objective failed: ${errText(err)}`, retryable: true });
    }
    for (const t of trials) finish(t, { ok: false, error: 'objective returned without finishing this trial', retryable: true });
  };

  // params are checked against the grid's own catalogue; a trial whose params fail is reported failed at once
  // (not retryable: they are wrong on any worker) and not run
  const toLeased = (res: AcquireResponse__Output): LeasedTrial[] =>
    res.trials.flatMap((t) => {
      const lease = { trialId: Number(t.trial_id), key: t.key, leaseId: t.lease_id, fencingToken: Number(t.fencing_token) };
      try {
        return [{ ...lease, params: parseTrialParamsJson(t.params_json) }];
      } catch (err) {
        const error = `bad params from the coordinator: ${errText(err)}`;
        emit({ type: 'finished', key: lease.key, leaseId: lease.leaseId, ok: false, error });
        deliverer.add({ ...lease, outcome: { ok: false, error, retryable: false }, finishedAt: Date.now(), workerId });
        return [];
      }
    });

  const queue = new PQueue({ concurrency: Math.max(1, opts.concurrency) });
  const acquireLoop = async (): Promise<void> => {
    const backoff = new Backoff();
    const waitMs = opts.acquireWaitMs ?? 10_000;
    let requestId = randomUUID();
    while (!stopAll.signal.aborted && !draining) {
      if (queue.pending + queue.size >= Math.max(1, opts.concurrency)) {
        // every slot busy: wait for a group to finish (or a drain / stop)
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            queue.off('next', done);
            stopAll.signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, 1000);
          queue.once('next', done);
          wakeDrain = done;
          stopAll.signal.addEventListener('abort', done, { once: true });
        });
        continue;
      }
      if (opts.idleExitMs != null && held.size === 0 && idleSince !== null && Date.now() - idleSince > opts.idleExitMs) {
        emit({ type: 'idle-exit', idleMs: Date.now() - idleSince });
        startDrain('idle');
        break;
      }
      let res: AcquireResponse__Output;
      const asked = performance.now();
      try {
        res = await rpc.acquire(
          { worker_id: workerId, max_trials: Math.max(1, opts.groupSize), feature_caches: objectives.all().flatMap(featureCachesOf), wait_ms: waitMs, request_id: requestId },
          waitMs + 5000,
        );
        backoff.reset();
      } catch (err) {
        if (isAuthFailure(err)) throw authError(err);
        const d = backoff.next();
        idleSince = null; // an unreachable coordinator is not an empty queue
        emit({ type: 'disconnected', during: 'acquire', error: errText(err), retryInMs: d });
        await sleep(d, stopAll.signal);
        if (/not registered|unknown worker/i.test(errText(err))) await register();
        continue; // same request id: a lease granted to a lost answer is handed out again
      }
      requestId = randomUUID();
      if (res.draining) startDrain('coordinator says draining');
      if (res.trials.length === 0) {
        idleSince ??= Date.now();
        if (!draining) await sleep(Math.min(Number(res.retry_after_ms) || 0, 2000), stopAll.signal);
        continue;
      }
      idleSince = null;
      const trials = toLeased(res);
      if (trials.length === 0) continue;
      for (const t of trials) {
        held.set(t.leaseId, { trial: t, abort: new AbortController(), finished: false });
        byKey.set(t.key, t.leaseId);
      }
      emit({ type: 'leased', leaseIds: trials.map((t) => t.leaseId), trialKeys: trials.map((t) => t.key), acquireMs: performance.now() - asked });
      // the first heartbeat goes out shortly after the lease (the trials show as running) without holding
      // up the group, so a slot's cycle is one round trip; it is skipped for trials already finished by then
      if (opts.heartbeatOnLease ?? true) {
        const first = setTimeout(() => {
          const live = trials.filter((t) => held.get(t.leaseId)?.finished === false);
          if (live.length > 0 && !stopAll.signal.aborted) void heartbeat(live);
        }, FIRST_HEARTBEAT_MS);
        first.unref();
      }
      void queue.add(() => runGroup(trials));
    }
  };

  // ---- run ----
  const loops: Promise<void>[] = [];
  try {
    await register();
    loops.push(heartbeatLoop(), progressLoop(), deliveryLoop(), controlLoop());
    if (deliverer.deliverable > 0) wake();
    await acquireLoop();
    if (stopAll.signal.aborted) return;
    // draining: finish what runs, then deliver (bounded), then stop
    await queue.onIdle();
    const deadline = Date.now() + (opts.drainDeliverTimeoutMs ?? 30_000);
    while (deliverer.pending > 0 && Date.now() < deadline && !stopAll.signal.aborted) {
      wake();
      await new Promise<void>((r) => {
        wakeDrain = r;
        setTimeout(r, 200);
      });
    }
    try {
      await progress.flush(workerId, rpc);
    } catch {
      // progress is advisory
    }
  } finally {
    const aborted = hard.aborted;
    for (const h of held.values()) h.abort.abort(aborted ? 'worker stopped' : 'worker drained');
    stopAll.abort();
    await Promise.allSettled(loops);
    if (aborted) await Promise.race([queue.onIdle(), sleep(2000)]);
    for (const o of objectives.all()) await o.dispose?.().catch(() => undefined);
    await deliverer.flushed();
    hard.removeEventListener('abort', onHard);
    opts.drainSignal?.removeEventListener('abort', onDrainSignal);
    rpc.close();
    emit({ type: 'stopped', reason: aborted ? 'aborted' : drainReason === 'idle' ? 'idle' : 'drained', spooled: deliverer.pending });
  }
}
