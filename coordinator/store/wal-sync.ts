/**
 * Durability of acknowledged writes without blocking the event loop. The coordinator's connection runs
 * WAL at synchronous=NORMAL: a COMMIT writes its frames to the -wal file (the OS cache) and returns.
 * Before an answer that lets a worker forget a result, the group commit waits for an fdatasync of the
 * -wal file that started after that COMMIT: then the frames are on disk and the transaction survives an
 * OS crash or power loss, exactly what synchronous=FULL gives, but the sync runs on libuv's thread pool
 * (the event loop keeps serving) and one sync covers every commit made before it started.
 */
import { open } from 'node:fs/promises';
import type { Db } from './db.js';

export class WalSync {
  private next: { resolve(): void; reject(e: unknown): void }[] = [];
  private running = false;
  /** syncs done (for benchmarks and tests) */
  syncs = 0;

  constructor(private readonly sync: () => Promise<void>) {}

  /** fdatasync of `db`'s -wal file; nothing to sync for an in-memory database. */
  static of(db: Db): WalSync {
    if (db.memory) return new WalSync(() => Promise.resolve());
    const wal = `${db.name}-wal`;
    return new WalSync(async () => {
      const fh = await open(wal, 'r');
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
    });
  }

  /** Resolves once a sync that started after this call has finished (rejects with its error). */
  after(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.next.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  private start(): void {
    const batch = this.next;
    this.next = [];
    this.running = true;
    this.sync().then(
      () => {
        this.syncs++;
        this.done();
        for (const w of batch) w.resolve();
      },
      (err: unknown) => {
        this.done();
        for (const w of batch) w.reject(err);
      },
    );
  }

  private done(): void {
    this.running = false;
    if (this.next.length) this.start();
  }
}
