import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../coordinator/scheduler/scheduler.js';
import { SqliteLeaseStore } from '../../coordinator/store/leases.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import { memoryDb, seedSweep } from './seed.js';

/** A real store over an in-memory database, counting the calls the scheduler makes. */
function counted() {
  const db = memoryDb();
  const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
  store.registerWorker({ id: 'w', host: 'h', gpuIndex: 0, gpuName: '', backend: 'synthetic', memoryMb: 1, caches: [] }, Date.now());
  const calls = { acquire: 0, hasPending: 0, commits: 0 };
  const acquire = store.acquire.bind(store);
  const hasPending = store.hasPending.bind(store);
  store.acquire = (...a) => (calls.acquire++, acquire(...a));
  store.hasPending = () => (calls.hasPending++, hasPending());
  const commit = <T>(fn: () => T): Promise<T> => (calls.commits++, Promise.resolve(fn()));
  return { db, store, calls, commit };
}

describe('scheduler long-poll', () => {
  it('waits without spinning when nothing is pending: no lease transaction, a cheap check per poll', async () => {
    const { store, calls, commit } = counted();
    const s = new Scheduler(store, { leaseTtlMs: 10_000, pollMs: 100, commit });
    const t0 = Date.now();
    const g = await s.acquire({ workerId: 'w', max: 4, caches: [], waitMs: 600, requestId: 'r1' });
    const took = Date.now() - t0;
    expect(g).toBeNull();
    expect(took).toBeGreaterThanOrEqual(580);
    // one check at the start plus one per 100 ms poll: about 7, never hundreds
    expect(calls.hasPending).toBeGreaterThanOrEqual(5);
    expect(calls.hasPending).toBeLessThanOrEqual(9);
    expect(calls.commits).toBe(0);
    expect(calls.acquire).toBe(0);
    s.stop();
  });

  it('a waiting acquire wakes as soon as trials are submitted and leases them in one transaction', async () => {
    const { db, store, calls, commit } = counted();
    const s = new Scheduler(store, { leaseTtlMs: 10_000, pollMs: 5_000, commit });
    const t0 = Date.now();
    const pending = s.acquire({ workerId: 'w', max: 4, caches: [], waitMs: 3_000, requestId: 'r1' });
    await new Promise((r) => setTimeout(r, 100));
    seedSweep(db, 's', [1, 2, 3].map((i) => ({ key: `k${i}`, featureKey: 'F' })));
    s.wake();
    const g = await pending;
    expect(Date.now() - t0).toBeLessThan(1_000); // not the 5 s poll, nor the 3 s wait
    expect(g?.trials.map((t) => t.key)).toEqual(['k1', 'k2', 'k3']);
    expect(calls.commits).toBe(1);
    expect(calls.acquire).toBe(1);
    s.stop();
  });
});
