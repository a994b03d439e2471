/**
 * Partition: a worker in its own network namespace holds a lease; its veth link is cut mid-trial. The
 * lease expires, the trial re-runs on another worker, and when the link comes back the first worker's
 * stale completion is rejected by the fencing token. Skipped (with the reason printed) without root or
 * `ip netns`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
    seedSweep(db, 1, { sleepMs: 5000, failRate: 0, maxAttempts: 5 });
    const port = await freePort();
    const address = `${link.hostAddr}:${port}`;
    await startCoordinatorChild(cluster, db, port, 2500, link.hostAddr);

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
      },
      'A',
    );
    let row = trialRow(db);
    for (const until = Date.now() + 20_000; row.worker_id !== 'partitioned-A' && Date.now() < until; row = trialRow(db))
      await sleep(100);
    expect(row.worker_id, cluster.tail(a)).toBe('partitioned-A');
    link.cut();

    const b = startWorkerChild(
      cluster,
      { address, spoolDir: join(dir, 'spoolB'), idleExitS: 3, concurrency: 1, groupSize: 1, workerId: 'healthy-B' },
      'B',
    );
    const s = await waitForState(db, (x) => (x.byStatus.done ?? 0) === 1, 30_000);
    expect(s.byStatus.done, cluster.tail(b)).toBe(1);
    expect(trialRow(db)).toMatchObject({ status: 'done', worker_id: 'healthy-B' });
    const h0 = openDatabase(db, { readonly: true });
    const aOutcomes = h0.prepare("SELECT outcome FROM attempts WHERE worker_id = 'partitioned-A'").all() as {
      outcome: string;
    }[];
    h0.close();
    expect(aOutcomes).toEqual([{ outcome: 'expired' }]); // A's lease expired while it was cut off

    // A cannot learn that it lost the lease while cut off: it finishes its copy and spools the result
    let aFinished = false;
    for (const until = Date.now() + 30_000; !aFinished && Date.now() < until; await sleep(200))
      aFinished = workerEvents(cluster, a).some((e) => e.type === 'finished' && e.ok === true);
    expect(aFinished, cluster.tail(a, 40)).toBe(true);
    link.restore();
    const deadline = Date.now() + 45_000;
    let rejected: { type: string; [k: string]: unknown } | undefined;
    while (!rejected && Date.now() < deadline) {
      await sleep(250);
      rejected = workerEvents(cluster, a).find((e) => e.type === 'delivered');
    }
    expect(rejected, cluster.tail(a, 40)).toMatchObject({ type: 'delivered', accepted: false });
    const end = await waitForState(db, (x) => x.staleEvents >= 1, 5000);
    expect(end.staleEvents).toBeGreaterThanOrEqual(1);
    expect(end.results).toBe(1); // still only B's result
    const h = openDatabase(db, { readonly: true });
    const owner = h.prepare('SELECT a.worker_id FROM results r JOIN attempts a ON a.id = r.attempt_id').get() as {
      worker_id: string;
    };
    h.close();
    expect(owner.worker_id).toBe('healthy-B');
    expect(readState(db).byStatus).toEqual({ done: 1 });
  }, 120_000);
});
