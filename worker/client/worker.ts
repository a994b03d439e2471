/**
 * The worker: composes its units. Register (registration.ts), then run side by side the heartbeats
 * (heartbeats.ts), the progress flushes (progress-loop.ts), the delivery of spooled results
 * (delivery-loop.ts, deliverer.ts, spool.ts), the artifact uploads (upload-loop.ts, uploader.ts,
 * upload-spool.ts) and the control stream (control.ts) while the lease loop
 * (lease-loop.ts) takes lease groups for free p-queue slots and runs them (run-group.ts). On drain it
 * finishes what runs and delivers it; on a hard stop it aborts everything. Every connection failure
 * is retried with jittered backoff; nothing here gives up on the coordinator.
 */
import { hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { FinishOutcome__Output } from '../../proto/gen/wepadim/v1/FinishOutcome.js';
import { codeVersion } from '../../shared/version.js';
import type { LeasedTrial, TrialOutcome } from '../objective-types.js';
import { sleep } from './backoff.js';
import { runControlStream } from './control.js';
import { Deliverer } from './deliverer.js';
import { deliverBeforeExit, runDeliveryLoop } from './delivery-loop.js';
import { Drain } from './drain.js';
import { Heartbeats } from './heartbeats.js';
import { HeldLeases } from './held-leases.js';
import { runLeaseLoop } from './lease-loop.js';
import { featureCachesOf, objectiveLoader } from './objective-registry.js';
import { runProgressLoop } from './progress-loop.js';
import { ProgressSender } from './progress-sender.js';
import { defaultWorkerId, register } from './registration.js';
import { runLeaseGroup } from './run-group.js';
import { CoordinatorRpc } from './rpc.js';
import { ResultSpool, type SpooledResult } from './spool.js';
import type { WorkerEvent, WorkerOptions } from './types.js';
import { Wakeup } from './wakeup.js';
import { TlsHintWatch } from './tls-hint.js';
import { runUploadLoop } from './upload-loop.js';
import { UploadSpool, uploadFiles, type UploadJob } from './upload-spool.js';
import { Uploader } from './uploader.js';

/** delay of the first heartbeat after a lease: a group that finishes sooner needs none */
const FIRST_HEARTBEAT_MS = 100;

export async function runWorker(opts: WorkerOptions): Promise<void> {
  const hints = new TlsHintWatch(!opts.auth.insecure && opts.auth.tls !== null);
  const emit = (e: WorkerEvent): void => {
    opts.onEvent?.(e);
    if (e.type === 'registered') hints.succeeded();
    if (e.type !== 'disconnected') return;
    const hint = hints.failed(e.error);
    if (hint) opts.onEvent?.({ type: 'tls-hint', hint, error: e.error });
  };
  const hard = opts.signal ?? new AbortController().signal;
  const stopAll = new AbortController(); // aborted when the worker returns: ends every loop
  const onHard = (): void => stopAll.abort();
  hard.addEventListener('abort', onHard, { once: true });
  const stop = stopAll.signal;
  const workerId = opts.workerId ?? defaultWorkerId(opts.gpu);
  const rpc = new CoordinatorRpc(opts.coordinator, opts.auth);
  const held = new HeldLeases();
  const progress = new ProgressSender();
  const objectives = objectiveLoader({ ...opts.objectiveOptions, backend: opts.backend, gpu: opts.gpu });
  const featureCaches = (): string[] => objectives.all().flatMap(featureCachesOf);
  const drain = new Drain((reason) => emit({ type: 'draining', reason }));
  const unfollow = drain.follow(opts.drainSignal, 'drain signal');
  const coordinatorDrains = (): void => drain.start('coordinator says draining');
  const resultsReady = new Wakeup();

  const deliverer = new Deliverer(
    new ResultSpool(opts.spoolDir),
    (r: SpooledResult, o: FinishOutcome__Output) => {
      emit({
        type: 'delivered',
        leaseId: r.leaseId,
        accepted: o.accepted,
        trialStatus: o.trial_status,
        reason: o.reason,
        duplicate: o.duplicate,
      });
      held.release(r.leaseId);
      progress.forget(r.leaseId);
    },
    () => resultsReady.wake(),
  );

  // a finished trial's artifact files get a durable upload job before its result is spooled
  const uploadsReady = new Wakeup();
  const uploader = new Uploader(new UploadSpool(join(opts.spoolDir, 'uploads')), emit, () => uploadsReady.wake());
  deliverer.prepare = async (batch) => {
    const jobs: UploadJob[] = [];
    for (const r of batch) {
      if (!r.outcome.ok || r.outcome.result.artifacts.length === 0) continue;
      const files = await uploadFiles(r.outcome.result.artifacts, (path, error) =>
        emit({ type: 'upload-refused', leaseId: r.leaseId, key: r.key, name: path, error: `cannot read: ${error}` }),
      );
      jobs.push({ trialKey: r.key, leaseId: r.leaseId, fencingToken: r.fencingToken, workerId: r.workerId, files });
    }
    await uploader.add(jobs).catch((err: unknown) =>
      emit({
        type: 'upload-refused',
        leaseId: '',
        key: jobs.map((j) => j.trialKey).join(','),
        name: '',
        error: `upload spool: ${String(err)}`,
      }),
    );
  };

  const heartbeats = new Heartbeats(rpc, workerId, held, {
    draining: coordinatorDrains,
    leaseLost: (leaseId, key, reason) => emit({ type: 'lease-lost', leaseId, key, reason }),
  });

  /** register (again); false when it stopped first: `until` (a stop, or a drain) aborted before the coordinator answered */
  const connect = async (until: AbortSignal = stop): Promise<boolean> => {
    const r = await register(
      rpc,
      () => ({
        worker_id: workerId,
        host: hostname(),
        gpu_index: opts.gpu ?? -1,
        gpu_name: '',
        backend: opts.backend,
        memory_mb: Math.round(totalmem() / 2 ** 20),
        feature_caches: featureCaches(),
        code_version: codeVersion(),
      }),
      until,
      (error, retryInMs) => emit({ type: 'disconnected', during: 'register', error, retryInMs }),
    );
    if (!r) return false;
    heartbeats.intervalMs = r.heartbeatIntervalMs;
    emit({ type: 'registered', workerId, leaseTtlMs: r.leaseTtlMs, heartbeatIntervalMs: r.heartbeatIntervalMs });
    if (r.draining) coordinatorDrains();
    return true;
  };

  const finish = (t: LeasedTrial, outcome: TrialOutcome): void => {
    if (!held.markFinished(t.leaseId)) return;
    emit({
      type: 'finished',
      key: t.key,
      leaseId: t.leaseId,
      ok: outcome.ok,
      error: outcome.ok ? undefined : outcome.error,
    });
    deliverer.add({
      trialId: t.trialId,
      key: t.key,
      leaseId: t.leaseId,
      fencingToken: t.fencingToken,
      outcome,
      finishedAt: Date.now(),
      workerId,
    });
  };

  const queue = new PQueue({ concurrency: Math.max(1, opts.concurrency) });
  const loops: Promise<void>[] = [];
  try {
    // a drain before the first registration: nothing is held (no lease can exist yet), so leave at once;
    // results spooled by an earlier run stay in the spool for the next start
    if (!(await connect(AbortSignal.any([stop, drain.signal])))) {
      if (!stop.aborted) emit({ type: 'left-unregistered', reason: drain.reason, spooled: deliverer.pending });
      return;
    }
    loops.push(
      heartbeats.run(stop),
      runProgressLoop(progress, workerId, rpc, stop),
      runDeliveryLoop(
        {
          deliverer,
          progress,
          workerId,
          rpc,
          ready: resultsReady,
          delivered: () => drain.changed.wake(),
          disconnected: (error, retryInMs) => emit({ type: 'disconnected', during: 'deliver', error, retryInMs }),
        },
        stop,
      ),
      runUploadLoop(
        {
          uploader,
          rpc,
          ready: uploadsReady,
          uploaded: () => drain.changed.wake(),
          disconnected: (error, retryInMs) => emit({ type: 'disconnected', during: 'upload', error, retryInMs }),
        },
        stop,
      ),
      runControlStream(rpc, workerId, stop, {
        cancel: (trialKeys, leaseIds, reason) => {
          const ids = held.resolve(trialKeys, leaseIds);
          emit({ type: 'cancel', leaseIds: ids, reason });
          for (const l of ids) held.abort(l, `cancelled: ${reason}`);
        },
        drain: (reason) => drain.start(reason),
        disconnected: (error, retryInMs) => emit({ type: 'disconnected', during: 'control', error, retryInMs }),
      }),
    );
    if (deliverer.deliverable > 0) resultsReady.wake();
    await runLeaseLoop(
      {
        rpc,
        workerId,
        groupSize: opts.groupSize,
        concurrency: opts.concurrency,
        waitMs: opts.acquireWaitMs ?? 10_000,
        idleExitMs: opts.idleExitMs ?? null,
        featureCaches,
        held,
        drain,
        queue,
        emit,
        reregister: async () => void (await connect()),
        // the first heartbeat goes out shortly after the lease (the trials show as running) without holding
        // up the group, so a slot's cycle is one round trip; it is skipped for trials already finished by then
        leased: (trials) => {
          if (opts.heartbeatOnLease ?? true) heartbeats.soon(trials, FIRST_HEARTBEAT_MS, stop);
        },
        // params are checked against the grid's own catalogue; a trial whose params fail is reported failed at once
        // (not retryable: they are wrong on any worker) and not run
        rejected: ({ lease, error }) => {
          emit({ type: 'finished', key: lease.key, leaseId: lease.leaseId, ok: false, error });
          deliverer.add({
            ...lease,
            outcome: { ok: false, error, retryable: false },
            finishedAt: Date.now(),
            workerId,
          });
        },
        runGroup: (trials) =>
          runLeaseGroup(trials, objectives.get, {
            progress: (t, p) => progress.push(t.leaseId, t.fencingToken, p),
            finished: finish,
            signalFor: (t) => held.signalFor(t.leaseId),
          }),
      },
      stop,
    );
    if (stop.aborted) return;
    // draining: finish what runs, then deliver (bounded), then stop
    await queue.onIdle();
    const deliverUntil = Date.now() + (opts.drainDeliverTimeoutMs ?? 30_000);
    await deliverBeforeExit(deliverer, resultsReady, drain.changed, opts.drainDeliverTimeoutMs ?? 30_000, stop);
    while (uploader.pending > 0 && Date.now() < deliverUntil && !stop.aborted) {
      uploadsReady.wake();
      await drain.changed.wait(stop, 200);
    }
    try {
      await progress.flush(workerId, rpc);
    } catch {
      // progress is advisory
    }
  } finally {
    const aborted = hard.aborted;
    held.abortAll(aborted ? 'worker stopped' : 'worker drained');
    stopAll.abort();
    await Promise.allSettled(loops);
    if (aborted) await Promise.race([queue.onIdle(), sleep(2000)]);
    for (const o of objectives.all()) await o.dispose?.().catch(() => undefined);
    await deliverer.flushed();
    hard.removeEventListener('abort', onHard);
    unfollow();
    rpc.close();
    emit({
      type: 'stopped',
      reason: aborted ? 'aborted' : drain.reason === 'idle' ? 'idle' : 'drained',
      spooled: deliverer.pending,
      ...(uploader.pending ? { uploads: uploader.pending } : {}),
    });
  }
}
