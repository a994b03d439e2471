/**
 * Delivers finished attempts to the coordinator: each is first written to the spool (fsync), then sent
 * in batched Complete / Fail calls, then deleted from the spool once the coordinator answered for it,
 * whether it accepted it or rejected it as stale (a fencing-token rejection is final). Transport
 * errors keep everything for the next attempt.
 */
import type { CompleteRequest } from '../../proto/gen/wepadim/v1/CompleteRequest.js';
import type { FailRequest } from '../../proto/gen/wepadim/v1/FailRequest.js';
import type { FinishOutcome__Output } from '../../proto/gen/wepadim/v1/FinishOutcome.js';
import type { FinishResponse__Output } from '../../proto/gen/wepadim/v1/FinishResponse.js';
import type { TrialSuccess } from '../../proto/gen/wepadim/v1/TrialSuccess.js';
import type { TrialResult } from '../../shared/result.js';
import { ResultSpool, type SpooledResult } from './spool.js';

export interface FinishTransport {
  complete(req: CompleteRequest): Promise<FinishResponse__Output>;
  fail(req: FailRequest): Promise<FinishResponse__Output>;
}

export function toTrialSuccess(leaseId: string, fencingToken: number, r: TrialResult): TrialSuccess {
  return {
    lease_id: leaseId,
    fencing_token: fencingToken,
    metrics: r.metrics,
    artifacts: r.artifacts.map((a) => ({ kind: a.kind, path: a.path })),
    provenance: { ...r.provenance },
    details_json: r.details ? JSON.stringify(r.details) : '',
  };
}

export class Deliverer {
  private readonly queue = new Map<string, SpooledResult>();
  private staging: SpooledResult[] = [];
  private writing: Promise<void> | null = null;
  private busy: Promise<void> | null = null;
  /** runs before a batch is spooled (the artifact upload jobs of its trials are made durable first) */
  prepare: ((batch: readonly SpooledResult[]) => Promise<void>) | null = null;

  constructor(
    readonly spool: ResultSpool,
    private readonly onOutcome: (r: SpooledResult, o: FinishOutcome__Output) => void,
    /** called when newly finished attempts are on disk and ready to deliver */
    private readonly onSpooled: () => void,
    private readonly maxBatch = 256,
  ) {
    spool.cleanTemporaries();
    for (const r of spool.list().results) this.queue.set(r.leaseId, r);
  }

  /** Queue a finished attempt: it is written to the spool (group commit) and then offered for delivery. */
  add(r: SpooledResult): void {
    this.staging.push(r);
    if (!this.writing) this.writing = new Promise<void>((res) => setImmediate(res)).then(() => this.commit());
  }

  private async commit(): Promise<void> {
    try {
      while (this.staging.length > 0) {
        const batch = this.staging;
        this.staging = [];
        if (this.prepare) await this.prepare(batch);
        await this.spool.putBatch(batch);
        for (const r of batch) this.queue.set(r.leaseId, r);
        this.onSpooled();
      }
    } finally {
      this.writing = null;
    }
  }

  /** Wait until everything added so far is on disk. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** attempts not yet answered by the coordinator (on disk or being written) */
  get pending(): number {
    return this.queue.size + this.staging.length + (this.writing ? 1 : 0);
  }

  /** attempts on disk, ready to deliver */
  get deliverable(): number {
    return this.queue.size;
  }

  /**
   * Deliver everything queued whose lease `ready` accepts (default: all); concurrent calls share one
   * pass. The worker holds back a result while its trial's progress is unacknowledged, so the result
   * cannot close the lease before the last progress lands. Throws a transport error.
   */
  deliver(t: FinishTransport, ready: (leaseId: string) => boolean = () => true): Promise<void> {
    if (!this.busy) {
      this.busy = this.pass(t, ready).finally(() => {
        this.busy = null;
      });
    }
    return this.busy;
  }

  private async pass(t: FinishTransport, ready: (leaseId: string) => boolean): Promise<void> {
    for (;;) {
      const items: SpooledResult[] = [];
      for (const r of this.queue.values()) {
        if (items.length >= this.maxBatch) break;
        if (ready(r.leaseId)) items.push(r);
      }
      if (items.length === 0) return;
      const byWorker = new Map<string, SpooledResult[]>();
      for (const r of items) byWorker.set(r.workerId, [...(byWorker.get(r.workerId) ?? []), r]);
      for (const [workerId, rs] of byWorker) {
        const ok = rs.filter((r) => r.outcome.ok);
        const bad = rs.filter((r) => !r.outcome.ok);
        if (ok.length) {
          const res = await t.complete({
            worker_id: workerId,
            results: ok.flatMap((r) =>
              r.outcome.ok ? [toTrialSuccess(r.leaseId, r.fencingToken, r.outcome.result)] : [],
            ),
          });
          await this.settle(ok, res);
        }
        if (bad.length) {
          const res = await t.fail({
            worker_id: workerId,
            failures: bad.map((r) => ({
              lease_id: r.leaseId,
              fencing_token: r.fencingToken,
              error: r.outcome.ok ? '' : r.outcome.error,
              retryable: r.outcome.ok || r.outcome.retryable,
            })),
          });
          await this.settle(bad, res);
        }
      }
    }
  }

  private async settle(sent: SpooledResult[], res: FinishResponse__Output): Promise<void> {
    const byLease = new Map(res.outcomes.map((o) => [o.lease_id, o]));
    let answered = 0;
    for (const r of sent) {
      const o = byLease.get(r.leaseId);
      if (!o) continue; // no answer for it: keep and resend
      answered++;
      this.queue.delete(r.leaseId);
      await this.spool.remove(r.leaseId);
      this.onOutcome(r, o);
    }
    if (answered === 0) throw new Error(`coordinator answered none of ${sent.length} finished attempts`);
  }
}
