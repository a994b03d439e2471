/**
 * Group commit: state changes that arrive in the same event-loop turn (many workers' Complete,
 * Heartbeat, Acquire and progress calls) run in ONE SQLite transaction, each inside its own savepoint.
 *
 * - Each operation stays atomic: it must be a `db.transaction(...)` function (every LeaseStore method
 *   is), which inside the batch's transaction runs as a savepoint; a throwing operation rolls back its
 *   savepoint only, and only its caller gets the error.
 * - Nobody is answered before the whole batch is committed; if the COMMIT itself fails, every caller of
 *   the batch gets that error.
 * - Durable before ack: a `durable` operation (one whose answer lets a worker forget a result: Complete,
 *   Fail, an artifact upload) is answered only after an fdatasync of the WAL that started after its
 *   COMMIT (wal-sync.ts; as synchronous=FULL, but off the event loop and shared by every commit before
 *   it), so it survives an OS crash or power loss. Other operations (heartbeats, acquires, progress:
 *   redone or re-sent if lost) are answered at the COMMIT (synchronous=NORMAL: a process crash loses none).
 * - Operations run in arrival order, so the calls of one stream keep their order.
 * - If a COMMIT fails, the store's in-memory bookkeeping may be ahead of the database: pending-group
 *   counts (recounted when a pick proves them wrong, and at least once a second) and the worker touch
 *   cache (delays one last_heartbeat write); lease state itself lives only in the database.
 *
 * The win: the per-transaction cost (BEGIN, writing the dirty pages to the WAL, COMMIT) is paid once per
 * batch instead of once per RPC; pages touched by several operations (index leaves, the trials table)
 * are written once.
 */
import type { Db } from './db.js';
import { WalSync } from './wal-sync.js';

interface Op {
  fn: () => unknown;
  durable: boolean;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export interface GroupCommitStats {
  batches: number;
  operations: number;
  largestBatch: number;
}

export interface GroupCommitHooks {
  /** runs first inside every batch's transaction; throwing fails the whole batch (the coordinator lease check) */
  fence?: () => void;
}

export class GroupCommit {
  private queue: Op[] = [];
  private scheduled = false;
  readonly stats: GroupCommitStats = { batches: 0, operations: 0, largestBatch: 0 };

  constructor(
    private readonly db: Db,
    /** most operations per transaction (bounds how long one batch holds the event loop) */
    private readonly maxBatch = 512,
    private readonly hooks: GroupCommitHooks = {},
    /** makes committed transactions durable (default: fdatasync of the database's -wal file) */
    readonly wal: WalSync = WalSync.of(db),
  ) {}

  /**
   * Run `fn` in the next batch's transaction; resolves after the COMMIT. `fn` must be atomic by itself
   * (a db.transaction function: a savepoint here), so that its failure undoes exactly its own writes.
   * `durable`: resolves only after the WAL was synced past its COMMIT (the answer lets the caller forget what it sent).
   */
  run<T>(fn: () => T, opts: { durable?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable: opts.durable ?? false, resolve: resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Run everything queued now (also called by the timer). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.commit(batch);
    }
  }

  private commit(batch: Op[]): void {
    const out: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        this.hooks.fence?.();
        for (const op of batch) {
          try {
            out.push({ ok: true, value: op.fn() });
          } catch (err) {
            out.push({ ok: false, value: err });
          }
        }
      })();
    } catch (err) {
      for (const op of batch) op.reject(err);
      return;
    }
    this.stats.batches++;
    this.stats.operations += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const synced = batch.some((op, i) => op.durable && out[i].ok) ? this.wal.after() : null;
    batch.forEach((op, i) => {
      if (!out[i].ok) op.reject(out[i].value);
      else if (op.durable && synced)
        synced.then(
          () => op.resolve(out[i].value),
          (err: unknown) => op.reject(err),
        );
      else op.resolve(out[i].value);
    });
  }
}
