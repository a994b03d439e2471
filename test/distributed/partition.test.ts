/**
 * Partition: a worker in its own network namespace holds a lease; its veth link is cut mid-trial. The
 * lease expires, the trial re-runs on another worker, and when the link comes back the first worker's
 * stale completion is rejected by the fencing token. Skipped (with the reason printed) without root or
 * `ip netns`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import {
  Cluster,
  freePort,
  readState,
  seedSweep,
  sleep,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
  workerEvents,
} from './harness.js';
import { createNetnsLink, probeNetns, type NetnsLink } from './netns.js';

const skipReason = probeNetns();
if (skipReason) console.log(`partition test skipped: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'wepadim-partition-'));
const cluster = new Cluster();
let link: NetnsLink | null = null;
afterAll(async () => {
  await cluster.killAll();
  link?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const trialRow = (db: string): { status: string; worker_id: string | null; attempts: number } => {
  const h = openDatabase(db, { readonly: true });
  try {
    return h.prepare('SELECT status, worker_id, attempts FROM trials').get() as {
      status: string;
      worker_id: string | null;
      attempts: number;
    };
  } finally {
    h.close();
  }
};

describe.skipIf(skipReason !== null)('network partition (netns + veth)', () => {
  it('expires the cut-off lease, re-runs elsewhere, and rejects the stale completion', async () => {
    link = createNetnsLink(200 + (process.pid % 50), String(process.pid % 100000));
    const db = join(dir, 'sweep.db');
    seedSweep(db, 1, { sleepMs: 200, failRate: 0, maxAttempts: 5 });
    // A's copy finishes only once this file exists, which the test creates after B's re-run was stored: A is
    // certainly still running when it is cut off, however slow the machine
    const gate = join(dir, 'gate');
    const port = await freePort();
    const address = `${link.hostAddr}:${port}`;
    await startCoordinatorChild(cluster, db, port, 8000, link.hostAddr);

    const a = startWorkerChild(
      cluster,
      {
        address,
        spoolDir: join(dir, 'spoolA'),
        idleExitS: 120,
        concurrency: 1,
        groupSize: 1,
        workerId: 'partitioned-A',
        netns: link.ns,
        env: { WEPADIM_SYNTHETIC_GATE: gate },
      },
      'A',
    );
    let row = trialRow(db);
    while (row.worker_id !== 'partitioned-A') {
      await sleep(100);
      row = trialRow(db);
    }
    expect(row.worker_id, cluster.tail(a)).toBe('partitioned-A');
    link.cut();

    const b = startWorkerChild(
      cluster,
      { address, spoolDir: join(dir, 'spoolB'), idleExitS: 600, concurrency: 1, groupSize: 1, workerId: 'healthy-B' },
      'B',
    );
    const s = await waitForState(db, (x) => (x.byStatus.done ?? 0) === 1, Infinity);
    expect(s.byStatus.done, cluster.tail(b)).toBe(1);
    expect(trialRow(db)).toMatchObject({ status: 'done', worker_id: 'healthy-B' });
    const h0 = openDatabase(db, { readonly: true });
    const aOutcomes = h0.prepare("SELECT outcome FROM attempts WHERE worker_id = 'partitioned-A'").all() as {
      outcome: string;
    }[];
    h0.close();
    expect(aOutcomes).toEqual([{ outcome: 'expired' }]); // A's lease expired while it was cut off

    // A cannot learn that it lost the lease while cut off: it finishes its copy and spools the result
    writeFileSync(gate, '');
    while (!workerEvents(cluster, a).some((e) => e.type === 'finished' && e.ok === true)) await sleep(200);
    link.restore();
    let rejected: { type: string; [k: string]: unknown } | undefined;
    while (!rejected) {
      await sleep(250);
      rejected = workerEvents(cluster, a).find((e) => e.type === 'delivered');
    }
    expect(rejected, cluster.tail(a, 40)).toMatchObject({ type: 'delivered', accepted: false });
    const end = await waitForState(db, (x) => x.staleEvents >= 1, Infinity);
    expect(end.staleEvents).toBeGreaterThanOrEqual(1);
    expect(end.results).toBe(1); // still only B's result
    const h = openDatabase(db, { readonly: true });
    const owner = h.prepare('SELECT a.worker_id FROM results r JOIN attempts a ON a.id = r.attempt_id').get() as {
      worker_id: string;
    };
    h.close();
    expect(owner.worker_id).toBe('healthy-B');
    expect(readState(db).byStatus).toEqual({ done: 1 });
  }, 600_000);
});
