/**
 * kill -9 the coordinator 5 times mid-sweep and restart it on the same database and port: the sweep
 * completes, and the same worker processes reconnect on their own (none is restarted by the test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Cluster,
  duplicates,
  exited,
  freePort,
  seedSweep,
  settled,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
  workerEvents,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-killc-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 the coordinator mid-sweep', () => {
  it('completes the sweep after 5 crashes, with the original workers reconnecting', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 400, { sleepMs: 100, failRate: 0.05, maxAttempts: 6 });
    const port = await freePort();
    // a grant whose reply a crash lost strands its trials until the lease expires: the workers' idle exit must
    // comfortably outlast that ttl, or they all leave while those trials wait (a 6 s idle exit over a 4 s ttl
    // left no margin on a loaded machine)
    const ttl = 10_000;
    const idleExitS = 40;
    let coordinator = await startCoordinatorChild(cluster, db, port, ttl);
    const workers = Array.from({ length: 6 }, (_, i) =>
      startWorkerChild(
        cluster,
        { address: `127.0.0.1:${port}`, spoolDir: join(dir, `spool${i}`), idleExitS, concurrency: 2, groupSize: 2 },
        `w${i}`,
      ),
    );
    const doneBefore: number[] = [];
    for (let k = 0; k < 5; k++) {
      // crash only once the (restarted) coordinator has visibly made progress: workers reconnected
      const base = k === 0 ? 0 : doneBefore[k - 1];
      const s = await waitForState(db, (x) => (x.byStatus.done ?? 0) >= base + 10, Infinity, 100);
      expect(settled(s)).toBe(false); // still mid-sweep
      doneBefore.push(s.byStatus.done ?? 0);
      await cluster.kill9(coordinator); // resolves once it exited; the workers see it go while the new one starts
      coordinator = await startCoordinatorChild(cluster, db, port, ttl);
    }
    const s = await waitForState(db, settled, Infinity);
    expect(settled(s), JSON.stringify(s.byStatus)).toBe(true);
    for (let k = 1; k < 5; k++) expect(doneBefore[k]).toBeGreaterThanOrEqual(doneBefore[k - 1] + 10); // progress between crashes
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
    expect(s.results).toBe(s.byStatus.done);
    expect(s.failedBeforeLimit).toBe(0);
    // the original processes were never replaced: each saw the coordinator go away and exits 0 by itself
    const codes = await Promise.all(workers.map((w) => exited(w)));
    expect(codes).toEqual(Array(6).fill(0));
    for (const w of workers) expect(workerEvents(cluster, w).some((e) => e.type === 'disconnected')).toBe(true);
  }, 600_000);
});
