import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { listSweeps, sweepStatus } from '../../coordinator/report/status.js';
import { statusText } from '../../coordinator/report/status-view.js';
import { buildRunReport, renderFailureReasons, renderRunReport } from '../../local/summary.js';
import { makeSweep } from '../store/seed.js';

describe('status', () => {
  it('counts, rate over the window, ETA and workers', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    s.submit(makeSweep('st', { classes: ['a', 'b'], sigma: [1, 2, 3, 4, 5] })); // 10 trials
    const db = sdb;
    db.prepare('UPDATE trials SET started_at = 0').run();
    const fin = db.prepare(`UPDATE trials SET status = ?, finished_at = ?, error = ?, attempts = 1 WHERE id = ?`);
    fin.run('done', 60_000, null, 1);
    fin.run('done', 120_000, null, 2);
    fin.run('done', 180_000, null, 3);
    fin.run('failed', 240_000, 'CUDA out of memory', 4);
    db.prepare(`UPDATE trials SET status = 'running', worker_id = 'w1', lease_id = 'L5' WHERE id = 5`).run();
    db.prepare(`UPDATE trials SET status = 'cancelled' WHERE id = 6`).run();
    const w = db.prepare(
      `INSERT INTO workers (id, host, gpu_index, gpu_name, backend, state, registered_at, last_heartbeat) VALUES (?, 'h1', ?, ?, 'onnx', ?, 0, ?)`,
    );
    w.run('w1', 0, 'A100', 'active', 290_000);
    w.run('w2', null, null, 'gone', 10_000); // gone and never worked on this sweep: hidden
    const st = sweepStatus(s.reads, 'st', { now: 300_000 });
    expect(st.counts).toEqual({ pending: 4, leased: 0, running: 1, done: 3, failed: 1, cancelled: 1 });
    expect([st.total, st.finished]).toEqual([10, 5]);
    // 4 finished (done or failed) in the 5 minutes since the first start: 0.8 per minute; 5 left: 375 s
    expect(st.ratePerMin).toBeCloseTo(0.8, 12);
    expect(st.etaS).toBeCloseTo(375, 9);
    expect(st.workers).toEqual([
      {
        id: 'w1',
        host: 'h1',
        gpu: '0 A100',
        backend: 'onnx',
        state: 'active',
        lastHeartbeat: 290_000,
        heartbeatAgeS: 10,
        active: 1,
      },
    ]);
    const key4 = (db.prepare('SELECT key FROM trials WHERE id = 4').get() as { key: string }).key;
    expect(st.failures).toEqual([{ trialId: 4, key: key4, class: 'b', attempts: 1, error: 'CUDA out of memory' }]);
    // w1 falls silent: past the lease TTL it is gone, and with no live worker there is no ETA
    const later = sweepStatus(s.reads, 'st', { now: 290_000 + 30_001 });
    expect(later.workers.map((x) => [x.id, x.state])).toEqual([['w1', 'gone']]);
    expect([later.liveWorkers, later.etaS]).toEqual([0, null]);
    expect(statusText(later)).toMatch(/ETA none: no live worker/);
    db.prepare(`UPDATE workers SET state = 'draining' WHERE id = 'w1'`).run(); // drained and exited: not draining forever
    expect(sweepStatus(s.reads, 'st', { now: 400_000 }).workers[0].state).toBe('gone');
    expect(sweepStatus(s.reads, 'st', { now: 300_000 }).workers[0].state).toBe('draining');
    // a 2.5-minute window (2:30..5:00] sees the finishes at 3 and 4 minutes: 2 / 2.5 min
    const recent = sweepStatus(s.reads, 'st', { now: 300_000, windowMs: 150_000 });
    expect(recent.ratePerMin).toBeCloseTo(0.8, 12);
    expect(recent.rateWindowS).toBe(150);
    // a 1.5-minute window (3:30..5:00] sees only the finish at 4 minutes
    expect(sweepStatus(s.reads, 'st', { now: 300_000, windowMs: 90_000 }).ratePerMin).toBeCloseTo(1 / 1.5, 12);
    s.close();
  });

  it('no rate before anything finished', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    s.submit(makeSweep('st', { classes: ['a'] }));
    const st = sweepStatus(s.reads, 'st', { now: 1 });
    expect([st.ratePerMin, st.etaS]).toEqual([null, null]);
    s.close();
  });
});

describe('failure reasons', () => {
  it('groups failed trials by their last error, shows them whole with --full, cut otherwise', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    s.submit(makeSweep('f', { classes: ['a', 'b', 'c'], sigma: [1, 2] })); // 6 trials
    const long = `weights sha256:${'ab'.repeat(32)} not found in /very/long/path/to/the/weights/store (import it with wepadim weights import FILE --arch resnet18)`;
    const attempt = sdb.prepare(
      `INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, outcome, error) VALUES (?, 'w', ?, 1, 0, 'failed', ?)`,
    );
    const fail = sdb.prepare(
      `UPDATE trials SET status = 'failed', attempts = 2, finished_at = ?, error = ? WHERE id = ?`,
    );
    for (const id of [1, 2, 3]) {
      attempt.run(id, `L${id}a`, 'transient: connection reset');
      attempt.run(id, `L${id}b`, long); // the last error decides
      fail.run(id, `transient: connection reset\n${long}`, id);
    }
    attempt.run(4, 'L4', 'dataset root /nope does not exist');
    fail.run(10, 'dataset root /nope does not exist', 4);
    const st = sweepStatus(s.reads, 'f', { now: 100 });
    expect(st.failureReasons).toEqual([
      { error: long, trials: 3 },
      { error: 'dataset root /nope does not exist', trials: 1 },
    ]);
    const cut = statusText(st);
    expect(cut).toMatch(/failure reasons \(4 failed trial\(s\)/);
    expect(cut).not.toContain(long);
    expect(cut).toContain(long.slice(0, 100) + '...');
    expect(cut).toMatch(/--full shows them whole/);
    const full = statusText(st, { full: true });
    expect(full).toContain(`3 x ${long}`);
    expect(full).toContain('1 x dataset root /nope does not exist');
    // trials are named by the key prefix that every command accepts
    const key1 = (sdb.prepare('SELECT key FROM trials WHERE id = 1').get() as { key: string }).key;
    expect(full).toContain(`trial ${key1.slice(0, 12)} (a, 2 attempt(s))`);
    const report = buildRunReport(s.reads, 'f', '/db');
    expect(renderRunReport(report, '/x')).toMatch(
      new RegExp(`Why 4 trial\\(s\\) failed \\(2 distinct error\\(s\\)[^\\n]*\\n\\s+3 x weights sha256:`),
    );
    expect(renderFailureReasons(report.failureReasons)).toContain('1 x dataset root /nope does not exist');
    s.close();
  });
});

describe('listSweeps', () => {
  it('lists every sweep with its counts, newest first', () => {
    const sdb = openDatabase(':memory:');
    const s = new SweepStore(sdb);
    s.submit(makeSweep('old', { classes: ['a', 'b'] }), { now: 1 });
    s.submit(makeSweep('new', { classes: ['a'], sigma: [1, 2, 3] }), { now: 2 });
    sdb.prepare(`UPDATE trials SET status = 'failed' WHERE id = 1`).run();
    const all = listSweeps(s.reads);
    expect(all.map((x) => [x.sweep, x.total, x.counts.pending, x.counts.failed])).toEqual([
      ['new', 3, 3, 0],
      ['old', 2, 1, 1],
    ]);
    s.close();
  });
});
