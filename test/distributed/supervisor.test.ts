/**
 * `wepadim worker --gpus 0,1` against a real coordinator: one child worker per GPU (its own --gpu and
 * spool), both work the sweep, both drain when idle, and the supervisor exits 0.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import { Cluster, exited, freePort, readState, seedSweep, startCoordinatorChild, workerEvents } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-gpus-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('worker --gpus supervisor', () => {
  it('runs one worker per GPU and exits 0 once they drained', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 40, { sleepMs: 100, failRate: 0, maxAttempts: 3 });
    const port = await freePort();
    await startCoordinatorChild(cluster, db, port, 3000);
    const spool = join(dir, 'spool');
    const sup = cluster.spawn(
      [
        'worker',
        '--coordinator',
        `127.0.0.1:${port}`,
        '--insecure',
        '--gpus',
        '0,1',
        '--spool-dir',
        spool,
        '--idle-exit',
        '2',
        '--group-size',
        '2',
        '--json',
      ],
      {},
      'sup',
    );
    const code = await Promise.race([exited(sup), new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(code, cluster.tail(sup, 30)).toBe(0);
    expect(readState(db).byStatus).toEqual({ done: 40 });
    const h = openDatabase(db, { readonly: true });
    const rows = h
      .prepare(
        'SELECT w.gpu_index AS gpu, count(*) AS n FROM attempts a JOIN workers w ON w.id = a.worker_id GROUP BY w.gpu_index ORDER BY 1',
      )
      .all() as { gpu: number; n: number }[];
    h.close();
    expect(rows.map((r) => r.gpu)).toEqual([0, 1]); // both GPU workers leased trials
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(40);
    const ev = workerEvents(cluster, sup);
    expect(ev.filter((e) => e.type === 'child-start').map((e) => e.gpu)).toEqual(expect.arrayContaining([0, 1]));
    expect(
      ev
        .filter((e) => e.type === 'child-exit')
        .map((e) => [e.gpu, e.code, e.restartInMs])
        .sort(),
    ).toEqual([
      [0, 0, null],
      [1, 0, null],
    ]);
    expect(readdirSync(spool).sort()).toEqual(['gpu0', 'gpu1']);
  }, 90_000);
});
