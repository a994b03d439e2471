import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../coordinator/scheduler/scheduler.js';
import { SqliteLeaseStore } from '../../coordinator/store/leases.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import { memoryDb, seedSweep } from './seed.js';

/** A real store over an in-memory database, counting the calls the scheduler makes. */
function counted() {
  const db = memoryDb();
  const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
  store.registerWorker(
    { id: 'w', host: 'h', gpuIndex: 0, gpuName: '', backend: 'synthetic', memoryMb: 1, caches: [] },
    Date.now(),
  );
  const calls = { acquire: 0, hasPending: 0, commits: 0 };
  const acquire = store.acquire.bind(store);
  const hasPending = store.hasPending.bind(store);
  store.acquire = (...a) => (calls.acquire++, acquire(...a));
  store.hasPending = () => (calls.hasPending++, hasPending());
  const commit = <T>(fn: () => T): Promise<T> => (calls.commits++, Promise.resolve(fn()));
  return { db, store, calls, commit };
}

afterEach(() => vi.useRealTimers());

describe('scheduler long-poll (fake clock)', () => {
  it('waits without spinning when nothing is pending: no lease transaction, a cheap check per poll', async () => {
    vi.useFakeTimers();
    const { store, calls, commit } = counted();
    const s = new Scheduler(store, { leaseTtlMs: 10_000, pollMs: 100, commit, now: () => Date.now() });
    let g: unknown = 'waiting';
    const pending = s.acquire({ workerId: 'w', max: 4, caches: [], waitMs: 600, requestId: 'r1' }).then((r) => (g = r));
    await vi.advanceTimersByTimeAsync(599);
    expect(g).toBe('waiting'); // the whole wait, not less
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(g).toBeNull();
    // one check at the start plus one per 100 ms poll: 7, never hundreds
    expect(calls.hasPending).toBeGreaterThanOrEqual(6);
    expect(calls.hasPending).toBeLessThanOrEqual(8);
    expect(calls.commits).toBe(0);
    expect(calls.acquire).toBe(0);
    s.stop();
  });

  it('a waiting acquire wakes as soon as trials are submitted and leases them in one transaction', async () => {
    vi.useFakeTimers();
    const { db, store, calls, commit } = counted();
    const s = new Scheduler(store, { leaseTtlMs: 10_000, pollMs: 5_000, commit, now: () => Date.now() });
    const t0 = Date.now();
    let g: unknown = 'waiting';
    const pending = s
      .acquire({ workerId: 'w', max: 4, caches: [], waitMs: 3_000, requestId: 'r1' })
      .then((r) => (g = r));
    await vi.advanceTimersByTimeAsync(100);
    expect(g).toBe('waiting');
    seedSweep(
      db,
      's',
      [1, 2, 3].map((i) => ({ key: `k${i}`, featureKey: 'F' })),
    );
    s.wake();
    await vi.advanceTimersByTimeAsync(0); // no clock time passes: not the 5 s poll, nor the 3 s wait
    expect(g).not.toBe('waiting');
    await pending;
    expect(Date.now() - t0).toBe(100);
    expect((g as Awaited<ReturnType<Scheduler['acquire']>>)?.trials.map((t) => t.key)).toEqual(['k1', 'k2', 'k3']);
    expect(calls.commits).toBe(1);
    expect(calls.acquire).toBe(1);
    s.stop();
  });
});
