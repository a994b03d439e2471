/**
 * The scheduler around the lease store: long-polled acquire (waiters wake when trials become pending
 * or new ones appear), idempotent retries of an acquire by request id, and the periodic expiry sweep
 * that requeues trials whose heartbeats stopped.
 */
import type { LeaseStore } from '../store/leases.js';
import type { ExpiredLease, LeaseGroup } from '../store/lease-types.js';

export interface SchedulerOptions {
  leaseTtlMs: number;
  /** how often expired leases are swept (default: ttl / 4, at most 1 s) */
  expirySweepMs?: number;
  /** how often a waiting acquire re-checks the store for trials added by another process */
  pollMs?: number;
  now?: () => number;
  /** runs a lease grant in a (group-committed) transaction; default: at once, in the store's own transaction */
  commit?: <T>(fn: () => T) => Promise<T>;
}

/** Runs `step` every `everyMs` until stopped (the coordinator's runner logs and backs off on errors). */
export type Repeater = (name: string, everyMs: number, step: () => void) => { stop(): void };

const plainInterval: Repeater = (_name, everyMs, step) => {
  const t = setInterval(step, everyMs);
  t.unref();
  return { stop: () => clearInterval(t) };
};

export interface AcquireWish {
  workerId: string;
  max: number;
  caches: readonly string[];
  waitMs: number;
  /** a retry with the same id gets the same group back */
  requestId: string;
  signal?: AbortSignal;
}

export class Scheduler {
  private readonly waiters = new Set<() => void>();
  private readonly lastGrant = new Map<string, { requestId: string; group: LeaseGroup | null }>();
  /** the acquire each worker is waiting in, by its request id (a replay of that id waits for its outcome) */
  private readonly inFlight = new Map<string, { requestId: string; outcome: Promise<LeaseGroup | null> }>();
  private timer: { stop(): void } | null = null;
  private leasing = true;
  readonly now: () => number;

  constructor(
    readonly store: LeaseStore,
    private readonly opts: SchedulerOptions,
    private readonly onExpired: (e: ExpiredLease[]) => void = () => {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Sweep expired leases periodically; `repeat` decides what a failed sweep does (default: a plain interval). */
  start(repeat: Repeater = plainInterval): void {
    const every = this.opts.expirySweepMs ?? Math.max(20, Math.min(1000, Math.floor(this.opts.leaseTtlMs / 4)));
    this.timer = repeat('lease expiry sweep', every, () => void this.sweep());
  }

  /** Expire overdue leases now; wakes waiting acquires when trials went back to pending. */
  sweep(): ExpiredLease[] {
    const expired = this.store.expire(this.now());
    if (expired.length) {
      this.onExpired(expired);
      if (expired.some((e) => e.status === 'pending')) this.wake();
    }
    return expired;
  }

  /** Stop granting leases (graceful shutdown); waiting acquires return empty at once. */
  stopLeasing(): void {
    this.leasing = false;
    this.wake();
  }

  get isLeasing(): boolean {
    return this.leasing;
  }

  stop(): void {
    this.timer?.stop();
    this.timer = null;
    this.stopLeasing();
  }

  /** Trials became pending (requeue, submit): let waiting acquires look again. */
  wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private workerActive(workerId: string): boolean {
    return this.store.workerState(workerId) === 'active';
  }

  private async grant(w: AcquireWish): Promise<LeaseGroup | null> {
    // nothing pending: answer from one indexed read, without a write transaction
    if (!this.leasing || !this.workerActive(w.workerId) || !this.store.hasPending()) return null;
    const take = (): LeaseGroup | null =>
      this.leasing && this.workerActive(w.workerId)
        ? this.store.acquire(w.workerId, w.max, w.caches, this.now(), this.opts.leaseTtlMs)
        : null;
    return this.opts.commit ? this.opts.commit(take) : take();
  }

  /**
   * Lease a group, waiting up to waitMs for work. Returns null when none came (or leasing stopped). A call
   * with the request id of the worker's last (or still running) acquire gets that acquire's outcome: the
   * group it was granted, or null when it got none or handed its group back. It never leases anything new.
   */
  acquire(w: AcquireWish): Promise<LeaseGroup | null> {
    const prev = this.lastGrant.get(w.workerId);
    if (w.requestId && prev && prev.requestId === w.requestId) return Promise.resolve(prev.group);
    const running = this.inFlight.get(w.workerId);
    if (w.requestId && running && running.requestId === w.requestId) return running.outcome;
    const outcome = this.acquireNew(w);
    if (!w.requestId) return outcome;
    const entry = { requestId: w.requestId, outcome };
    this.inFlight.set(w.workerId, entry);
    return outcome.finally(() => {
      if (this.inFlight.get(w.workerId) === entry) this.inFlight.delete(w.workerId);
    });
  }

  /** True when `requestId` is the worker's last or running acquire: a replay, answered even while draining. */
  isReplay(workerId: string, requestId: string): boolean {
    if (!requestId) return false;
    return (
      this.lastGrant.get(workerId)?.requestId === requestId || this.inFlight.get(workerId)?.requestId === requestId
    );
  }

  private async acquireNew(w: AcquireWish): Promise<LeaseGroup | null> {
    const deadline = this.now() + w.waitMs;
    let group = await this.grant(w);
    // stop waiting when leasing stops, the caller goes away, or the worker is drained meanwhile
    while (!group && this.leasing && !w.signal?.aborted && this.now() < deadline && this.workerActive(w.workerId)) {
      await this.waitForWork(Math.min(deadline - this.now(), this.opts.pollMs ?? 250), w.signal);
      if (w.signal?.aborted) break;
      group = await this.grant(w);
    }
    if (group && w.signal?.aborted) {
      // the call was cancelled while the grant was written: its answer can never go out, so the group goes
      // back to pending now (not after the lease TTL); a replay of the request id learns it got nothing
      await this.handBack(w.workerId, group);
      group = null;
    }
    // kept when the answer is lost on its way (a dropped connection): a retry with the same id gets this group
    if (w.requestId) this.lastGrant.set(w.workerId, { requestId: w.requestId, group });
    return group;
  }

  /** Undo a grant nobody will receive; waiting acquires look again. */
  async handBack(workerId: string, group: LeaseGroup): Promise<number> {
    const undo = (): number => this.store.handBack(workerId, group.trials, this.now());
    const n = this.opts.commit ? await this.opts.commit(undo) : undo();
    if (n > 0) this.wake();
    return n;
  }

  private waitForWork(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  forgetWorker(workerId: string): void {
    this.lastGrant.delete(workerId);
  }
}
