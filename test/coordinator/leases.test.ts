import { describe, expect, it } from 'vitest';
import { SqliteLeaseStore } from '../../coordinator/store/leases.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import { memoryDb, RESULT, seedSweep, trialRow } from './seed.js';

const TTL = 1_000;

describe('SqliteLeaseStore.acquire', () => {
  it('leases a group sharing one feature_key, same dwt_key first, preferring warm caches', () => {
    const db = memoryDb();
    seedSweep(db, 's', [
      { key: 'a1', featureKey: 'A', dwtKey: 'd2' },
      { key: 'a2', featureKey: 'A', dwtKey: 'd1' },
      { key: 'a3', featureKey: 'A', dwtKey: 'd1' },
      { key: 'b1', featureKey: 'B' },
      { key: 'b2', featureKey: 'B' },
      { key: 'b3', featureKey: 'B' },
      { key: 'b4', featureKey: 'B' },
    ]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    // warm cache wins over the larger group B
    const g1 = store.acquire('w1', 2, ['A'], 10_000, TTL)!;
    expect(g1.featureKey).toBe('A');
    expect(g1.trials.map((t) => t.key)).toEqual(['a2', 'a3']);
    expect(g1.dwtKey).toBe('d1');
    expect(g1.expiresAt).toBe(11_000);
    expect(g1.trials.every((t) => t.fencingToken === 1 && t.attempt === 1 && t.sweep === 's')).toBe(true);
    expect(new Set(g1.trials.map((t) => t.leaseId)).size).toBe(2);
    // no caches: the largest pending group (B has 4, A has 1 left)
    const g2 = store.acquire('w2', 3, [], 10_000, TTL)!;
    expect(g2.featureKey).toBe('B');
    expect(g2.trials.map((t) => t.key)).toEqual(['b1', 'b2', 'b3']);
    // a group never mixes feature keys even when max is larger
    const g3 = store.acquire('w3', 10, [], 10_000, TTL)!;
    expect(g3.trials.map((t) => t.key).sort()).toEqual(g3.featureKey === 'A' ? ['a1'] : ['b4']);
    const g4 = store.acquire('w3', 10, [], 10_000, TTL)!;
    expect(g4.trials).toHaveLength(1);
    expect(store.acquire('w3', 10, [], 10_000, TTL)).toBeNull();
    expect(trialRow(db, 'a2')).toMatchObject({ status: 'leased', attempts: 1, fencing_token: 1 });
    expect(store.statusCounts()).toEqual({ leased: 7 });
    expect(store.activeLeases('w2')).toBe(3);
  });

  it('sees trials inserted after its counts were taken', () => {
    const db = memoryDb();
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst, groupRefreshMs: 60_000 });
    expect(store.acquire('w', 4, [], 0, TTL)).toBeNull();
    seedSweep(db, 'late', [{ key: 'x', featureKey: 'X' }]);
    expect(store.hasPending()).toBe(true);
    expect(store.acquire('w', 4, [], 1, TTL)?.trials.map((t) => t.key)).toEqual(['x']);
  });
});

describe('SqliteLeaseStore lease life', () => {
  it('heartbeat extends the lease; expiry requeues with attempts+1, then fails for good keeping every error', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 't', featureKey: 'F', maxAttempts: 2 }]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const l1 = store.acquire('w1', 1, [], 0, TTL)!.trials[0];
    const hb = store.heartbeat('w1', [l1], 900, TTL);
    expect(hb).toEqual([{ leaseId: l1.leaseId, ok: true, expiresAt: 1_900, trialKey: 't' }]);
    expect(trialRow(db, 't').status).toBe('running');
    expect(store.expire(1_500)).toEqual([]);
    const ex = store.expire(2_000);
    expect(ex).toEqual([
      { trialId: l1.trialId, trialKey: 't', leaseId: l1.leaseId, workerId: 'w1', status: 'pending' },
    ]);
    expect(trialRow(db, 't')).toMatchObject({ status: 'pending', attempts: 1, lease_id: null });
    // the old lease is lost for good
    expect(store.heartbeat('w1', [l1], 2_001, TTL)[0]).toMatchObject({ ok: false, reason: 'expired' });
    const l2 = store.acquire('w2', 1, [], 3_000, TTL)!.trials[0];
    expect(l2.fencingToken).toBe(2);
    expect(l2.attempt).toBe(2);
    expect(store.expire(5_000)[0].status).toBe('failed');
    const row = trialRow(db, 't');
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row.error).toBe(
      'attempt 1/2: lease expired: no heartbeat from worker w1\nattempt 2/2: lease expired: no heartbeat from worker w2',
    );
    const outcomes = db.prepare('SELECT outcome FROM attempts ORDER BY id').pluck().all();
    expect(outcomes).toEqual(['expired', 'expired']);
    expect(store.acquire('w3', 1, [], 6_000, TTL)).toBeNull();
  });

  it('a late completion with an old fencing token is logged and never overwrites the owner', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 't', featureKey: 'F' }]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const old = store.acquire('w1', 1, [], 0, TTL)!.trials[0];
    store.expire(5_000);
    const cur = store.acquire('w2', 1, [], 5_000, TTL)!.trials[0];
    const late = store.complete('w1', [{ ...old, result: { ...RESULT, metrics: { image_auroc: 0.1 } } }], 5_100);
    expect(late[0]).toMatchObject({ accepted: false, reason: 'expired', trialStatus: 'leased' });
    // same lease id with a forged newer token is stale as well
    expect(store.complete('w1', [{ leaseId: old.leaseId, fencingToken: 2, result: RESULT }], 5_100)[0]).toMatchObject({
      accepted: false,
      reason: 'stale',
    });
    expect(db.prepare('SELECT COUNT(*) FROM results').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(0);
    const events = db
      .prepare("SELECT message FROM events WHERE message LIKE 'stale completion%'")
      .pluck()
      .all() as string[];
    expect(events).toHaveLength(2);
    expect(events[0]).toContain(`owned by lease ${cur.leaseId} token 2`);
    const ok = store.complete('w2', [{ ...cur, result: RESULT }], 5_200);
    expect(ok[0]).toMatchObject({ accepted: true, duplicate: false, trialStatus: 'done' });
    expect(store.complete('w2', [{ ...cur, result: RESULT }], 5_300)[0]).toMatchObject({
      accepted: true,
      duplicate: true,
    });
    expect(store.complete('w1', [{ ...old, result: RESULT }], 5_400)[0].accepted).toBe(false);
    expect(db.prepare('SELECT name, value FROM metrics WHERE final = 1 ORDER BY name').all()).toEqual([
      { name: 'image_auroc', value: 0.93 },
      { name: 'pixel_auroc', value: 0.97 },
    ]);
    expect(db.prepare('SELECT attempt_id, backend FROM results').get()).toEqual({
      attempt_id: cur.attemptId,
      backend: 'synthetic',
    });
    expect(db.prepare('SELECT kind, path FROM artifacts').all()).toEqual([
      { kind: 'trial-json', path: '/tmp/a/trial.json' },
    ]);
    expect(trialRow(db, 't').status).toBe('done');
  });

  it('fail: retryable requeues until the limit, non-retryable fails at once; resends are idempotent', () => {
    const db = memoryDb();
    seedSweep(db, 's', [
      { key: 'r', featureKey: 'F' },
      { key: 'n', featureKey: 'G' },
    ]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst, maxAttempts: 2 });
    const r1 = store.acquire('w', 1, ['F'], 0, TTL)!.trials[0];
    expect(store.fail('w', [{ ...r1, error: 'oom', retryable: true }], 1)[0]).toMatchObject({
      accepted: true,
      trialStatus: 'pending',
    });
    expect(store.fail('w', [{ ...r1, error: 'oom', retryable: true }], 2)[0]).toMatchObject({
      accepted: true,
      duplicate: true,
    });
    expect(trialRow(db, 'r')).toMatchObject({ status: 'pending', attempts: 1 });
    const r2 = store.acquire('w', 1, ['F'], 3, TTL)!.trials[0];
    expect(store.fail('w', [{ ...r2, error: 'oom again', retryable: true }], 4)[0].trialStatus).toBe('failed');
    expect(trialRow(db, 'r').error).toBe('attempt 1/2: oom\nattempt 2/2: oom again');
    const n1 = store.acquire('w', 1, ['G'], 5, TTL)!.trials[0];
    expect(store.fail('w', [{ ...n1, error: 'bad params', retryable: false }], 6)[0].trialStatus).toBe('failed');
    expect(trialRow(db, 'n')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('progress: a resent sequence number is not double-counted; stale leases are refused', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 't', featureKey: 'F' }]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const l = store.acquire('w', 1, [], 0, TTL)!.trials[0];
    const u = (seq: number) => ({
      ...l,
      seq,
      phase: 'fit',
      done: seq,
      total: 3,
      values: { 'partial.auroc': seq / 10 },
    });
    expect(store.appendProgress('w', [u(1), u(2)], 1).map((r) => r.outcome)).toEqual(['applied', 'applied']);
    expect(store.appendProgress('w', [u(1), u(2), u(3)], 2).map((r) => r.outcome)).toEqual([
      'duplicate',
      'duplicate',
      'applied',
    ]);
    expect(db.prepare('SELECT step, value FROM metrics WHERE final = 0 ORDER BY step').all()).toEqual([
      { step: 1, value: 0.1 },
      { step: 2, value: 0.2 },
      { step: 3, value: 0.3 },
    ]);
    expect(store.appendProgress('w', [{ ...u(4), fencingToken: 9 }], 3)).toEqual([{ outcome: 'stale', trialKey: 't' }]);
  });

  it('cancel by sweep name or trial key reports the leases to interrupt', () => {
    const db = memoryDb();
    seedSweep(db, 'one', [
      { key: 'p', featureKey: 'F' },
      { key: 'q', featureKey: 'F' },
      { key: 'z', featureKey: 'Z' },
    ]);
    seedSweep(db, 'two', [{ key: 'k', featureKey: 'K' }]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const l = store.acquire('w9', 1, ['F'], 0, TTL)!.trials[0];
    const c = store.cancel('one', 1);
    expect(c).toEqual({
      matched: 'sweep',
      cancelled: 3,
      interrupted: [{ trialKey: l.key, leaseId: l.leaseId, workerId: 'w9' }],
      target: 'one',
      mapsCancelled: 0,
      mapsInterrupted: [],
    });
    expect(store.complete('w9', [{ ...l, result: RESULT }], 2)[0]).toMatchObject({
      accepted: false,
      reason: 'cancelled',
    });
    expect(store.acquire('w9', 5, [], 3, TTL)!.trials.map((t) => t.key)).toEqual(['k']);
    expect(store.cancel('k', 4)).toMatchObject({ matched: 'trial', cancelled: 1, target: 'k' });
    expect(store.cancel('nope', 5)).toEqual({
      matched: 'none',
      cancelled: 0,
      interrupted: [],
      target: 'nope',
      mapsCancelled: 0,
      mapsInterrupted: [],
    });
    expect(store.statusCounts()).toEqual({ cancelled: 4 });
  });

  it('cancel takes a unique trial key prefix (the 12 digits reports show); an ambiguous one is refused', () => {
    const db = memoryDb();
    const k1 = 'abcdef012345aaaaaaaaaaaa';
    const k2 = 'abcdef012345bbbbbbbbbbbb';
    const k3 = 'abcdef999999cccccccccccc';
    seedSweep(db, 's', [
      { key: k1, featureKey: 'F' },
      { key: k2, featureKey: 'F' },
      { key: k3, featureKey: 'F' },
    ]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    expect(store.cancel('abcdef9999', 1)).toMatchObject({ matched: 'trial', cancelled: 1 });
    expect(trialRow(db, k3)).toMatchObject({ status: 'cancelled' });
    expect(() => store.cancel('abcdef012345', 2)).toThrow(
      /prefix abcdef012345 is ambiguous \(abcdef012345aaaaaaaaaaaa, abcdef012345bbbbbbbbbbbb\)/,
    );
    expect(store.cancel('abcdef012345b', 3)).toMatchObject({ matched: 'trial', cancelled: 1 });
    expect(store.cancel('abc', 4)).toMatchObject({ matched: 'none' }); // too short to be a key prefix
    expect(store.statusCounts()).toEqual({ pending: 1, cancelled: 2 });
  });
});

describe('SqliteLeaseStore workers', () => {
  it('registers, marks silent workers gone, revives them on contact, and keeps drain state', () => {
    const db = memoryDb();
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const w = { host: 'h', gpuIndex: 0, gpuName: 'A100', backend: 'onnx', memoryMb: 40_000, caches: ['F'] };
    store.registerWorker({ id: 'a', ...w }, 1_000);
    store.registerWorker({ id: 'b', ...w, gpuIndex: 1 }, 1_000);
    expect(store.touchWorker('a', 5_000)).toBe('active');
    expect(store.markGone(4_000)).toEqual(['b']);
    expect(store.getWorker('b')?.state).toBe('gone');
    expect(store.touchWorker('b', 6_000, ['G'])).toBe('active');
    expect(JSON.parse(store.getWorker('b')!.caches_json)).toEqual(['G']);
    expect(store.setWorkerState('a', 'draining')).toBe(true);
    expect(store.touchWorker('a', 6_100)).toBe('draining');
    expect(store.setWorkerState('nobody', 'draining')).toBe(false);
    expect(store.touchWorker('nobody', 6_200)).toBeNull();
    expect(store.listWorkers().map((r) => [r.id, r.state, r.gpu_index])).toEqual([
      ['a', 'draining', 0],
      ['b', 'active', 1],
    ]);
  });
});
