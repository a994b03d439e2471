import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { UserError } from '../../shared/errors.js';
import { makeSweep } from './seed.js';
import { trialKey } from '../../shared/trial.js';

const stores: SweepStore[] = [];
/** each store's connection, kept by the test to set up states and check rows (the store keeps its own private) */
const dbs = new Map<SweepStore, Db>();
const open = (): SweepStore => {
  const sdb = openDatabase(':memory:');
  const s = new SweepStore(sdb);
  stores.push(s);
  dbs.set(s, sdb);
  return s;
};
const dbOf = (s: SweepStore): Db => dbs.get(s)!;
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

const classes = ['bottle', 'cable', 'screw'];

describe('submit', () => {
  it('inserts every trial once, in expansion order', () => {
    const s = open();
    const sweep = makeSweep('a', { classes, sigma: [2, 4] });
    const r = s.submit(sweep);
    expect(r).toMatchObject({ added: 6, existing: 0, total: 6, created: true, sourceChanged: false });
    const keys = (dbOf(s).prepare('SELECT key FROM trials ORDER BY id').all() as { key: string }[]).map((x) => x.key);
    expect(keys).toEqual(sweep.trials.map((t) => t.key));
    expect(s.statusCounts('a')).toEqual({ pending: 6, leased: 0, running: 0, done: 0, failed: 0, cancelled: 0 });
  });

  it('re-submitting the same sweep adds nothing', () => {
    const s = open();
    const sweep = makeSweep('a', { classes, sigma: [2, 4] });
    s.submit(sweep);
    const again = s.submit(sweep);
    expect(again).toMatchObject({
      added: 0,
      existing: 6,
      total: 6,
      created: false,
      sourceChanged: false,
      addedKeys: [],
    });
  });

  it('an extended grid adds only the new points and keeps finished ones', () => {
    const s = open();
    s.submit(makeSweep('a', { classes, sigma: [2, 4] }));
    dbOf(s).prepare(`UPDATE trials SET status = 'done', attempts = 1 WHERE id IN (1, 2)`).run();
    const ext = makeSweep('a', { classes, sigma: [2, 4, 6] });
    const r = s.submit(ext);
    expect(r).toMatchObject({ added: 3, existing: 6, total: 9, sourceChanged: true });
    expect(r.addedKeys).toEqual(ext.trials.filter((t) => t.params.sigma === 6).map((t) => t.key));
    expect(s.statusCounts('a')).toMatchObject({ done: 2, pending: 7 });
    const src = dbOf(s).prepare('SELECT source_hash FROM sweeps WHERE name = ?').get('a') as { source_hash: string };
    expect(src.source_hash).toBe(ext.sourceHash);
    // a narrowed grid adds nothing and removes nothing
    const narrow = s.submit(makeSweep('a', { classes, sigma: [4] }));
    expect(narrow).toMatchObject({ added: 0, existing: 3, total: 9 });
  });

  it('names a dataset root that differs from the stored one (a copied config resolving roots elsewhere)', () => {
    const s = open();
    const at = (root: string, sigma: number[]) => {
      const sw = makeSweep('a', { classes, sigma });
      const trials = sw.trials.map((t) => {
        const params = { ...t.params, root };
        return { ...t, key: trialKey(params), params };
      });
      return { ...sw, trials };
    };
    expect(s.submit(at('/home/me/runs/data', [2, 4])).rootMoves).toEqual([]);
    const copied = s.submit(at('/home/me/copy/runs/data', [2, 4]), { dryRun: true });
    expect(copied).toMatchObject({ added: 6, existing: 0 });
    expect(copied.rootMoves).toEqual([
      { stored: '/home/me/runs/data', submitted: '/home/me/copy/runs/data', trials: 6 },
    ]);
    // an extended grid at the same root has no moved root; the new points at another root only count themselves
    expect(s.submit(at('/home/me/runs/data', [2, 4, 6])).rootMoves).toEqual([]);
    const other = s.submit(at('/elsewhere', [2, 8]));
    expect(other.rootMoves).toEqual([{ stored: '/home/me/runs/data', submitted: '/elsewhere', trials: 3 }]);
  });

  it('dry run reports the counts and writes nothing', () => {
    const s = open();
    s.submit(makeSweep('a', { classes, sigma: [2] }));
    const r = s.submit(makeSweep('a', { classes, sigma: [2, 4] }), { dryRun: true });
    expect(r).toMatchObject({ added: 3, existing: 3, total: 6 });
    expect((dbOf(s).prepare('SELECT count(*) n FROM trials').get() as { n: number }).n).toBe(3);
    const fresh = s.submit(makeSweep('b', { classes }), { dryRun: true });
    expect(fresh).toMatchObject({ added: 3, created: true });
    expect(dbOf(s).prepare('SELECT count(*) n FROM sweeps').get()).toEqual({ n: 1 });
  });

  it('rejects a trial whose key does not match its parameters', () => {
    const s = open();
    const sweep = makeSweep('a', { classes });
    const bad = { ...sweep, trials: [{ ...sweep.trials[0], key: 'deadbeef' }] };
    expect(() => s.submit(bad)).toThrow(/does not match its parameters/);
    expect(() => s.submit({ ...sweep, name: 'bad name' })).toThrow(UserError);
  });

  it('unknown sweep names list the known ones', () => {
    const s = open();
    s.submit(makeSweep('alpha', { classes }));
    s.submit(makeSweep('beta', { classes }));
    expect(() => s.sweepId('gamma')).toThrow(/known sweeps: alpha, beta/);
  });
});

describe('resume', () => {
  it('re-queues failed and expired trials within the retry limit', () => {
    const s = open();
    s.submit(makeSweep('a', { classes, sigma: [2, 4, 6] }), {}); // 9 trials, max_attempts 3
    const now = 1_000_000;
    const db = dbOf(s);
    const set = db.prepare(
      'UPDATE trials SET status = ?, attempts = ?, lease_id = ?, worker_id = ?, lease_expires_at = ? WHERE id = ?',
    );
    set.run('failed', 1, null, null, null, 1); // requeue
    set.run('failed', 3, null, null, null, 2); // exhausted
    set.run('running', 2, 'L3', 'w1', now - 1, 3); // expired -> requeue
    set.run('leased', 1, 'L4', 'w1', now + 60_000, 4); // live lease: untouched
    set.run('done', 1, null, null, null, 5);
    set.run('cancelled', 0, null, null, null, 6);
    db.prepare(
      `INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at) VALUES (3, 'w1', 'L3', 2, 1)`,
    ).run();
    const r = s.resume('a', { now });
    expect(r).toEqual({ requeued: 2, expired: 1, exhausted: 1, cancelled: 0 });
    const st = (id: number): unknown =>
      db.prepare('SELECT status, lease_id, worker_id FROM trials WHERE id = ?').get(id);
    expect(st(1)).toEqual({ status: 'pending', lease_id: null, worker_id: null });
    expect(st(2)).toMatchObject({ status: 'failed' });
    expect(st(3)).toEqual({ status: 'pending', lease_id: null, worker_id: null });
    expect(st(4)).toMatchObject({ status: 'leased', lease_id: 'L4' });
    expect(st(5)).toMatchObject({ status: 'done' });
    expect(st(6)).toMatchObject({ status: 'cancelled' });
    expect(db.prepare(`SELECT outcome, ended_at FROM attempts WHERE lease_id = 'L3'`).get()).toEqual({
      outcome: 'expired',
      ended_at: now,
    });
    // a higher limit releases the exhausted one and is stored with it
    expect(s.resume('a', { now, maxAttempts: 5 })).toEqual({ requeued: 1, expired: 0, exhausted: 0, cancelled: 0 });
    expect(db.prepare('SELECT status, max_attempts FROM trials WHERE id = 2').get()).toEqual({
      status: 'pending',
      max_attempts: 5,
    });
  });
});
