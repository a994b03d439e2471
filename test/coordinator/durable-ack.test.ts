/**
 * Issue 11.2: an acknowledged result survives an OS crash. The coordinator commits at synchronous=NORMAL
 * (the WAL is in the OS cache after COMMIT) and answers Complete/Fail/artifact uploads only after an
 * fdatasync of the -wal file that started after their COMMIT. These tests fail if the answer stopped
 * waiting for that sync (the state before issue 11: 40 acknowledged results lost to a filesystem failure).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const log: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...a: Parameters<typeof real.open>) => {
      const fh = await real.open(...a);
      const datasync = fh.datasync.bind(fh);
      fh.datasync = async () => {
        await datasync();
        log.push(`datasync ${String(a[0])}`);
      };
      return fh;
    },
  };
});

import { promiseClient } from '../../coordinator/server/client.js';
import type { Db } from '../../coordinator/store/db.js';
import { GroupCommit } from '../../coordinator/store/group-commit.js';
import { openDatabase } from '../../coordinator/store/db.js';
import { WalSync } from '../../coordinator/store/wal-sync.js';
import { acquire, register, startHarness, statusOf, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  log.length = 0;
});

/** A sync the test finishes by hand. */
function manualSync(): { wal: WalSync; started: () => number; finish: (err?: Error) => void } {
  const pending: { ok(): void; fail(e: Error): void }[] = [];
  const wal = new WalSync(() => new Promise<void>((ok, fail) => pending.push({ ok, fail })));
  return {
    wal,
    started: () => pending.length,
    finish: (err) => {
      const p = pending.shift();
      if (err) p?.fail(err);
      else p?.ok();
    },
  };
}
const settledYet = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('acknowledged results are durable (WAL synced before the answer)', () => {
  it('a durable operation is answered only after a sync that started after its COMMIT', async () => {
    const db = openDatabase(':memory:');
    const s = manualSync();
    const commit = new GroupCommit(db, undefined, {}, s.wal);
    const plain = commit.run(db.transaction(() => 'plain'));
    const first = commit.run(
      db.transaction(() => 'first'),
      { durable: true },
    );
    expect(await plain).toBe('plain'); // not durable: answered at the COMMIT
    expect(await settledYet(first)).toBe(false);
    expect(s.started()).toBe(1);
    // committed while that sync runs: it needs the next one
    const second = commit.run(
      db.transaction(() => 'second'),
      { durable: true },
    );
    expect(await settledYet(second)).toBe(false);
    s.finish();
    expect(await first).toBe('first');
    expect(await settledYet(second)).toBe(false);
    s.finish();
    expect(await second).toBe('second');
    // a failed sync fails the answer (the worker keeps its result and retries)
    const third = commit.run(
      db.transaction(() => 'third'),
      { durable: true },
    );
    await settledYet(third);
    s.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(third).rejects.toThrow(/EIO/);
    db.close();
  });

  it("the coordinator answers Complete after its transaction committed and the -wal file was fdatasync'ed", async () => {
    h = await startHarness([{ key: 't', featureKey: 'F' }], {
      onDatabaseOpen: (d: Db) => {
        // note the transaction in which trial t becomes done
        const tx = d.transaction.bind(d);
        d.transaction = ((fn: (...a: unknown[]) => unknown) =>
          tx((...a: unknown[]) => {
            const status = d.prepare("SELECT status FROM trials WHERE key = 't'").pluck();
            const before = status.get();
            const r = fn(...a);
            if (before !== 'done' && status.get() === 'done') log.push('complete transaction');
            return r;
          })) as Db['transaction'];
      },
    });
    await register(h.client, 'w1');
    const [t] = (await acquire(h.client, 'w1', 1)).trials;
    log.length = 0;
    const res = await promiseClient(h.client).Complete({
      worker_id: 'w1',
      results: [
        {
          lease_id: t.lease_id,
          fencing_token: t.fencing_token,
          metrics: { image_auroc: 0.9 },
          provenance: {
            code_version: '0.1.0',
            backend: 'synthetic',
            device: 'cpu',
            weights: 'w',
            dataset_root: '/d',
            class: 'c',
          },
        },
      ],
    });
    log.push('answer');
    expect(res.outcomes[0].accepted).toBe(true);
    expect(statusOf(h.ro, 't').status).toBe('done');
    const tx = log.indexOf('complete transaction');
    const sync = log.indexOf(`datasync ${h.dbPath}-wal`, tx);
    expect(tx).toBeGreaterThanOrEqual(0);
    expect(sync).toBeGreaterThan(tx);
    expect(log.indexOf('answer')).toBeGreaterThan(sync);
  });
});
