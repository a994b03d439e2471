/**
 * Progress updates of running trials, numbered per lease (seq 1, 2, ...) and kept until the coordinator
 * acknowledged them. A failed send keeps them for the next flush; the coordinator skips any seq it has
 * already applied, so a resent batch is not double-counted. Backpressure: at most `maxPending` updates
 * wait; beyond that the oldest are dropped (progress is advisory; final results go through the spool).
 */
import type { ProgressUpdate } from '../../proto/gen/wepadim/v1/ProgressUpdate.js';
import type { TrialProgress } from '../objective-types.js';

export interface ProgressTransport {
  progress(batches: { worker_id: string; updates: ProgressUpdate[] }[]): Promise<unknown>;
}

export class ProgressSender {
  private readonly seqs = new Map<string, number>();
  private pending: ProgressUpdate[] = [];
  /** pending updates per lease id (what hasPending and forget look up) */
  private readonly perLease = new Map<string, number>();
  private inflight: Promise<void> | null = null;
  dropped = 0;
  sent = 0;

  constructor(
    private readonly maxPending = 5000,
    private readonly maxBatch = 500,
  ) {}

  push(leaseId: string, fencingToken: number, p: TrialProgress): number {
    const seq = (this.seqs.get(leaseId) ?? 0) + 1;
    this.seqs.set(leaseId, seq);
    this.pending.push({
      lease_id: leaseId,
      fencing_token: fencingToken,
      seq,
      phase: p.phase,
      done: p.done,
      total: p.total,
      values: p.values ?? {},
    });
    this.perLease.set(leaseId, (this.perLease.get(leaseId) ?? 0) + 1);
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.settled(this.pending.splice(0, over));
      this.dropped += over;
    }
    return seq;
  }

  private settled(updates: readonly ProgressUpdate[]): void {
    for (const u of updates) {
      const lease = u.lease_id ?? '';
      const n = (this.perLease.get(lease) ?? 0) - 1;
      if (n > 0) this.perLease.set(lease, n);
      else this.perLease.delete(lease);
    }
  }

  /** Forget a lease's counter once nothing of it is pending (after its result was delivered). */
  forget(leaseId: string): void {
    if (!this.perLease.has(leaseId)) this.seqs.delete(leaseId);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Are updates of this lease waiting for (or on the way to) the coordinator's ack? */
  hasPending(leaseId: string): boolean {
    return this.perLease.has(leaseId);
  }

  /**
   * Flush until nothing is pending or `maxRounds` sends were made (trials keep pushing meanwhile).
   * Throws the transport's error, like flush.
   */
  async flushAll(workerId: string, transport: ProgressTransport, maxRounds = 8): Promise<void> {
    for (let i = 0; i < maxRounds && (this.pending.length > 0 || this.inflight); i++)
      await this.flush(workerId, transport);
  }

  /**
   * Send what is pending (up to maxBatch per call; a flush during a send waits for it and then sends
   * what came meanwhile). Throws the transport's error; the updates stay pending.
   */
  async flush(workerId: string, transport: ProgressTransport): Promise<number> {
    while (this.inflight) await this.inflight.catch(() => undefined);
    if (this.pending.length === 0) return 0;
    const batch = this.pending.slice(0, this.maxBatch);
    const send = transport.progress([{ worker_id: workerId, updates: batch }]).then(() => {
      // acknowledged (applied, duplicate or rejected): drop exactly what was sent
      // (updates of the batch dropped for backpressure meanwhile were settled when dropped)
      const sentSet = new Set(batch);
      const acked: ProgressUpdate[] = [];
      this.pending = this.pending.filter((u) => (sentSet.has(u) ? (acked.push(u), false) : true));
      this.settled(acked);
      this.sent += batch.length;
    });
    this.inflight = send.finally(() => {
      this.inflight = null;
    });
    await this.inflight;
    return batch.length;
  }
}
