/** The trial state machine: the table of allowed transitions, the guard that refuses the rest, and resume going through it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteLeaseStore } from '../../coordinator/store/leases.js';
import { SweepStore } from '../../coordinator/store/sweep-store.js';
import {
  IllegalTransitionError,
  TRANSITIONS,
  allowed,
  trialTransitions,
  type TransitionName,
} from '../../coordinator/store/transitions.js';
import { TRIAL_STATUSES } from '../../coordinator/store/types.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import { memoryDb, RESULT, seedSweep, trialRow } from '../coordinator/seed.js';

const TTL = 1_000;

describe('the transition table', () => {
  it('allows exactly these status changes', () => {
    const edges = new Set<string>();
    for (const [name, rule] of Object.entries(TRANSITIONS))
      for (const from of rule.from) edges.add(`${from} -${name}-> ${rule.to}`);
    expect([...edges].sort()).toEqual(
      [
        'pending -lease-> leased',
        'leased -handBack-> pending',
        'leased -heartbeat-> running',
        'running -heartbeat-> running',
        'leased -complete-> done',
        'running -complete-> done',
        'leased -retry-> pending',
        'running -retry-> pending',
        'leased -giveUp-> failed',
        'running -giveUp-> failed',
        'pending -cancel-> cancelled',
        'leased -cancel-> cancelled',
        'running -cancel-> cancelled',
        'failed -reopen-> pending',
        'cancelled -requeue-> pending',
      ].sort(),
    );
    // done is final: nothing leaves it; cancelled is left only by an explicit requeue
    for (const name of Object.keys(TRANSITIONS) as TransitionName[]) {
      expect(allowed(name, 'done')).toBe(false);
      expect(allowed(name, 'cancelled')).toBe(name === 'requeue');
    }
    for (const rule of Object.values(TRANSITIONS)) expect(TRIAL_STATUSES).toContain(rule.to);
  });

  it('refuses a transition not in the table, writing nothing', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 'p', featureKey: 'F' }]);
    const tr = trialTransitions(db);
    const p = db.prepare(`SELECT id, status, feature_key, lease_id FROM trials WHERE key = 'p'`).get() as {
      id: number;
      status: string;
      feature_key: string;
      lease_id: string | null;
    };
    const before = db.prepare('SELECT * FROM trials').all();
    // a pending trial cannot complete, give up, be heartbeaten, retried or reopened
    expect(() => tr.complete(p, 1, RESULT, 5)).toThrow(IllegalTransitionError);
    expect(() => tr.complete(p, 1, RESULT, 5)).toThrow(
      /illegal trial transition complete: trial \d+ is pending, allowed from leased\|running/,
    );
    expect(() => tr.giveUp(p, 5)).toThrow(IllegalTransitionError);
    expect(() => tr.heartbeat(p, 10, 5)).toThrow(IllegalTransitionError);
    expect(() => tr.retry(p, 3, 'x')).toThrow(IllegalTransitionError);
    expect(() => tr.reopen(p, 3)).toThrow(IllegalTransitionError);
    expect(db.prepare('SELECT * FROM trials').all()).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM results').pluck().get()).toBe(0);
    // a cancelled trial stays cancelled: it cannot be leased or reopened
    tr.cancel(p, 7);
    const c = { ...p, status: 'cancelled' };
    expect(() => tr.lease(c, 'w', 'L', 1, 100, 8)).toThrow(IllegalTransitionError);
    expect(() => tr.reopen(c, 3)).toThrow(IllegalTransitionError);
    expect(() => tr.cancel(c, 9)).toThrow(IllegalTransitionError);
    expect(trialRow(db, 'p')).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('refuses a transition whose caller believes a status the row no longer has', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 'p', featureKey: 'F' }]);
    const tr = trialTransitions(db);
    const id = (db.prepare(`SELECT id FROM trials WHERE key = 'p'`).get() as { id: number }).id;
    // the caller thinks it is leased, but it is pending: the UPDATE matches nothing and the call throws
    expect(() => tr.retry({ id, status: 'leased', feature_key: 'F' }, 3, 'x')).toThrow(/not leased any more/);
    expect(trialRow(db, 'p')).toMatchObject({ status: 'pending', error: null });
  });

  it('drives a lease store through the table: a done trial refuses to be cancelled back into anything', () => {
    const db = memoryDb();
    seedSweep(db, 's', [{ key: 't', featureKey: 'F' }]);
    const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    store.registerWorker(
      { id: 'w', host: 'h', gpuIndex: 0, gpuName: null, backend: 'synthetic', memoryMb: null, caches: [] },
      0,
    );
    const l = store.acquire('w', 1, [], 0, TTL)!.trials[0];
    expect(store.complete('w', [{ ...l, result: RESULT }], 10)[0]).toMatchObject({
      accepted: true,
      trialStatus: 'done',
    });
    // cancel only selects pending/leased/running trials: the done trial is not touched
    expect(store.cancel('s', 20)).toMatchObject({ matched: 'sweep', cancelled: 0, interrupted: [], mapsCancelled: 0 });
    expect(trialRow(db, 't').status).toBe('done');
  });
});

describe('resume goes through the same transitions', () => {
  it('an expired lease re-queued by resume is leasable again, and its old lease is fenced off like an expiry', () => {
    const db = memoryDb();
    seedSweep(db, 'r', [{ key: 't', featureKey: 'F', maxAttempts: 3 }]);
    const leases = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const old = leases.acquire('w1', 1, [], 0, TTL)!.trials[0];
    // the coordinator dies; later, resume runs over the database
    const sweeps = new SweepStore(db);
    expect(sweeps.resume('r', { now: 5_000 })).toEqual({ requeued: 1, expired: 1, exhausted: 0, cancelled: 0 });
    expect(trialRow(db, 't')).toMatchObject({ status: 'pending', attempts: 1, lease_id: null, error: null });
    expect(db.prepare('SELECT outcome, error FROM attempts').get()).toEqual({
      outcome: 'expired',
      error: 'lease expired; re-queued by resume',
    });
    // the old lease's late completion is rejected as expired; a new lease gets token 2, attempt 2
    expect(leases.complete('w1', [{ ...old, result: RESULT }], 5_001)[0]).toMatchObject({
      accepted: false,
      reason: 'expired',
    });
    const again = leases.acquire('w2', 1, [], 5_002, TTL)!.trials[0];
    expect(again).toMatchObject({ key: 't', fencingToken: 2, attempt: 2 });
  });

  it('resume --cancelled re-queues cancelled trials (cancelled -> pending); a plain resume leaves them cancelled', () => {
    const db = memoryDb();
    seedSweep(db, 'c', [
      { key: 'p', featureKey: 'F', maxAttempts: 1 },
      { key: 'r', featureKey: 'F', maxAttempts: 1 },
      { key: 'd', featureKey: 'G' },
    ]);
    const leases = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const lr = leases.acquire('w', 1, ['F'], 0, TTL)!.trials[0]; // running when cancelled: its one attempt is used
    const ld = leases.acquire('w', 1, ['G'], 0, TTL)!.trials[0];
    leases.complete('w', [{ ...ld, result: RESULT }], 1);
    expect(leases.cancel('c', 2)).toMatchObject({ matched: 'sweep', cancelled: 2 });
    const sweeps = new SweepStore(db);
    expect(sweeps.resume('c', { now: 3 })).toEqual({ requeued: 0, expired: 0, exhausted: 0, cancelled: 0 });
    const idle = lr.key === 'p' ? 'r' : 'p'; // the F trial that was pending when cancelled
    expect(trialRow(db, idle)).toMatchObject({ status: 'cancelled' });
    expect(sweeps.resume('c', { now: 4, cancelled: true })).toEqual({
      requeued: 2,
      expired: 0,
      exhausted: 0,
      cancelled: 2,
    });
    const maxOf = (k: string): number =>
      db.prepare('SELECT max_attempts FROM trials WHERE key = ?').pluck().get(k) as number;
    expect(trialRow(db, idle)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(maxOf(idle)).toBe(1);
    expect(trialRow(db, lr.key)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(maxOf(lr.key)).toBe(2);
    expect(trialRow(db, 'd')).toMatchObject({ status: 'done' });
    // the re-queued trials are leased again (the pending counts know of them)
    expect(
      leases
        .acquire('w2', 5, [], 5, TTL)!
        .trials.map((t) => t.key)
        .sort(),
    ).toEqual(['p', 'r']);
  });

  it('a failed trial is reopened (failed -> pending), and a resume of a done trial changes nothing', () => {
    const db = memoryDb();
    seedSweep(db, 'r', [
      { key: 'f', featureKey: 'F', maxAttempts: 1 },
      { key: 'd', featureKey: 'G' },
    ]);
    const leases = new SqliteLeaseStore(db, { policy: warmCachesFirst });
    const lf = leases.acquire('w', 1, ['F'], 0, TTL)!.trials[0];
    const ld = leases.acquire('w', 1, ['G'], 0, TTL)!.trials[0];
    expect(leases.fail('w', [{ ...lf, error: 'boom', retryable: true }], 1)[0].trialStatus).toBe('failed');
    leases.complete('w', [{ ...ld, result: RESULT }], 1);
    const sweeps = new SweepStore(db);
    expect(sweeps.resume('r', { now: 2 })).toEqual({ requeued: 0, expired: 0, exhausted: 1, cancelled: 0 });
    expect(sweeps.resume('r', { now: 2, maxAttempts: 2 })).toEqual({
      requeued: 1,
      expired: 0,
      exhausted: 0,
      cancelled: 0,
    });
    expect(trialRow(db, 'f')).toMatchObject({ status: 'pending', error: null });
    expect(trialRow(db, 'd')).toMatchObject({ status: 'done' });
  });
});

describe('one owner of trial status', () => {
  it('no source file outside coordinator/store/transitions.ts writes trials.status', () => {
    const root = join(__dirname, '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith(join('store', 'transitions.ts'))) {
          if (/UPDATE\s+trials\s+SET[^`'"]*\bstatus\s*=/i.test(readFileSync(p, 'utf8')))
            offenders.push(p.slice(root.length + 1));
        }
      }
    };
    for (const top of ['coordinator', 'worker', 'cli', 'shared', 'local']) {
      try {
        walk(join(root, top));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    expect(offenders).toEqual([]);
  });
});
