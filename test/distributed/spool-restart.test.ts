/**
 * Results survive a coordinator outage and a worker crash together: trials finish while the coordinator
 * is down (results go to the spool), the worker is then killed -9, and a new worker process started on
 * the same spool delivers them under the old worker id once the coordinator is back. No trial re-runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import { ResultSpool } from '../../worker/client/spool.js';
import {
  Cluster,
  exited,
  freePort,
  readState,
  seedSweep,
  settled,
  sleep,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
  workerEvents,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-spool-restart-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('spool across a coordinator outage and a worker crash', () => {
  it('delivers spooled results from a restarted worker, without re-running the trials', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 4, { sleepMs: 200, failRate: 0, maxAttempts: 3 });
    // the trials finish only once the gate file exists, which the test creates after the coordinator died
    const gate = join(dir, 'gate');
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const spool = join(dir, 'spool');
    // leases far longer than the test: the spooled results must be the first process's, never re-runs after an expiry
    const ttl = 3_600_000;
    const coordinator = await startCoordinatorChild(cluster, db, port, ttl);
    const w1 = startWorkerChild(
      cluster,
      {
        address,
        spoolDir: spool,
        idleExitS: 3600,
        concurrency: 4,
        groupSize: 1,
        workerId: 'first-process',
        env: { WEPADIM_SYNTHETIC_GATE: gate },
      },
      'w1',
    );
    while (workerEvents(cluster, w1).filter((e) => e.type === 'leased').length < 4) await sleep(100);
    expect(readState(db).byStatus.done ?? 0).toBe(0);

    await cluster.kill9(coordinator); // trials are held open by the gate
    writeFileSync(gate, '');
    while (new ResultSpool(spool).list().results.length < 4) await sleep(100);
    await cluster.kill9(w1);

    await startCoordinatorChild(cluster, db, port, ttl); // the cluster stops it at teardown
    const w2 = startWorkerChild(
      cluster,
      { address, spoolDir: spool, idleExitS: 1, concurrency: 1, groupSize: 1, workerId: 'second-process' },
      'w2',
    );
    const s = await waitForState(db, settled, Infinity);
    expect(s.byStatus).toEqual({ done: 4 });
    expect(await exited(w2)).toBe(0);
    expect(new ResultSpool(spool).list().results).toEqual([]);
    const h = openDatabase(db, { readonly: true });
    const attempts = h.prepare('SELECT worker_id, outcome FROM attempts').all();
    h.close();
    // one attempt per trial, all by the first process: delivered from its spool, never re-run
    expect(attempts).toEqual(Array(4).fill({ worker_id: 'first-process', outcome: 'done' }));
    expect(readState(db).results).toBe(4);
  }, 600_000);
});
