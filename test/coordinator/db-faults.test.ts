/**
 * Issue 11.1: the coordinator survives SQLite errors. Faults are real SQLite errors injected on the
 * coordinator's own connection: PRAGMA query_only (SQLITE_READONLY, as on a filesystem gone read-only)
 * and PRAGMA max_page_count (SQLITE_FULL, as on a full disk). Timers keep running (an uncaught error in
 * them used to end the process: vitest fails the run on it), RPCs answer UNAVAILABLE / RESOURCE_EXHAUSTED
 * naming the cause, and everything recovers by itself once the fault is lifted.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { startCoordinator } from '../../coordinator/server/index.js';
import type { Db } from '../../coordinator/store/db.js';
import { UserError } from '../../shared/errors.js';
import { createLogger } from '../../shared/log.js';
import { acquire, register, startHarness, statusOf, waitFor, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const quiet = createLogger({}, { level: 'error', json: true, write: () => {} });

/** The status code and details of a call (ok: code 0). */
async function outcome(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
    return { code: grpc.status.OK, details: '' };
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details };
  }
}

async function withDbHandle(opts: { leaseTtlMs: number }): Promise<{ h: Harness; db: Db }> {
  let db: Db | null = null;
  const harness = await startHarness([{ key: 't', featureKey: 'F', maxAttempts: 5 }], {
    leaseTtlMs: opts.leaseTtlMs,
    coordinatorLeaseMs: 500,
    onDatabaseOpen: (d) => (db = d),
  });
  if (!db) throw new Error('onDatabaseOpen was not called');
  return { h: harness, db };
}

describe('the coordinator on a database that stops taking writes', () => {
  it('read-only: the expiry sweep fails without killing the process, RPCs say UNAVAILABLE, all recovers', async () => {
    const s = await withDbHandle({ leaseTtlMs: 300 });
    h = s.h;
    await register(h.client, 'w1');
    const [lease] = (await acquire(h.client, 'w1', 1)).trials;
    const leases = [{ lease_id: lease.lease_id, fencing_token: lease.fencing_token }];
    s.db.pragma('query_only = ON'); // every write now fails with SQLITE_READONLY
    // the lease (300 ms) expires while the sweep cannot write: the timer survives and the condition shows
    await waitFor(() => /read-only/.test(h!.coord.databaseCondition() ?? ''), 30_000, 'the read-only condition');
    expect(h.coord.databaseCondition()).toMatch(/SQLITE_READONLY.* since \d{4}-\d\d-\d\dT/);
    const hb = await outcome(promiseClient(h.client).Heartbeat({ worker_id: 'w1', leases }));
    expect(hb.code).toBe(grpc.status.UNAVAILABLE);
    expect(hb.details).toMatch(/Heartbeat: the coordinator's database cannot write: read-only \(SQLITE_READONLY/);
    expect(statusOf(h.ro, 't').status).toBe('leased');

    s.db.pragma('query_only = OFF'); // permissions back
    await waitFor(() => h!.coord.databaseCondition() === null, 30_000, 'recovery');
    await waitFor(() => statusOf(h!.ro, 't').status === 'pending', 30_000, 'the retried expiry sweep');
    const after = await promiseClient(h.client).Heartbeat({ worker_id: 'w1', leases });
    expect(after.leases[0]).toMatchObject({ ok: false }); // answered again (the lease expired meanwhile)
    // the episode is recorded for `wepadim status`
    await waitFor(
      () => (h!.ro.prepare('SELECT db_error FROM coordinator_lease').pluck().get() as string | null) !== null,
      30_000,
      'the recorded episode',
    );
    expect(h.ro.prepare('SELECT db_error FROM coordinator_lease').pluck().get()).toMatch(
      /^read-only \(SQLITE_READONLY/,
    );
  });

  it('disk full: RPCs that need space answer RESOURCE_EXHAUSTED naming it; writes resume when space is back', async () => {
    const s = await withDbHandle({ leaseTtlMs: 60_000 });
    h = s.h;
    s.db.pragma(`max_page_count = ${Number(s.db.pragma('page_count', { simple: true }))}`); // the file cannot grow
    let full: { code: number; details: string } | null = null;
    let registered = 0;
    for (let i = 0; i < 2000 && !full; i++) {
      const r = await outcome(register(h.client, `worker-with-a-long-name-to-fill-pages-${i}`.padEnd(120, 'x')));
      if (r.code === 0) registered++;
      else full = r;
    }
    expect(full?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(full?.details).toMatch(/Register: the coordinator's database cannot write: disk full \(SQLITE_FULL/);
    // the next lease renewal (an in-place update, which still fits) records the episode for `wepadim status`
    await waitFor(
      () =>
        /^disk full \(SQLITE_FULL/.test(String(h!.ro.prepare('SELECT db_error FROM coordinator_lease').pluck().get())),
      30_000,
      'the recorded episode',
    );
    s.db.pragma('max_page_count = 1073741823'); // space back
    expect((await outcome(register(h.client, 'after-space-came-back'))).code).toBe(0);
    await waitFor(() => h!.coord.databaseCondition() === null, 30_000, 'recovery');
    const workers = h.ro.prepare('SELECT COUNT(*) FROM workers').pluck().get() as number;
    expect(workers).toBe(registered + 1);
  });

  it('refuses to start (UserError, exit 2) on a database it cannot write', async () => {
    const s = await withDbHandle({ leaseTtlMs: 60_000 });
    h = s.h;
    const path = h.dbPath;
    await h.coord.stop(0);
    const start = startCoordinator({
      dbPath: path,
      listen: '127.0.0.1:0',
      auth: { token: null, tls: null, insecure: true },
      log: quiet,
      onDatabaseOpen: (d) => void d.pragma('query_only = ON'),
    });
    await expect(start).rejects.toThrow(UserError);
    await expect(start).rejects.toThrow(/cannot write this database: read-only \(SQLITE_READONLY/);
  });
});
