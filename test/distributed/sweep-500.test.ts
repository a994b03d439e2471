/**
 * One coordinator, 8 workers, 500 synthetic trials with a 5% failure rate per attempt: every trial ends
 * done or failed after its retry limit, and there is exactly one result row per done trial. The synthetic
 * failure draw is deterministic in (seed, key, fencing token), so every recorded attempt outcome is
 * checked against the draw the worker must have made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import { attemptFails } from '../../worker/synthetic/synthetic-objective.js';
import {
  Cluster,
  exited,
  freePort,
  readState,
  seedSweep,
  settled,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-sweep500-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('8 workers, 500 synthetic trials, 5% failures', () => {
  it('ends every trial done or failed at its retry limit, one result per done trial', async () => {
    const db = join(dir, 'sweep.db');
    const maxAttempts = 2; // low limit so that "failed after its retry limit" actually happens
    seedSweep(db, 500, { sleepMs: 10, failRate: 0.05, maxAttempts });
    const port = await freePort();
    await startCoordinatorChild(cluster, db, port, 3000);
    const workers = Array.from({ length: 8 }, (_, i) =>
      startWorkerChild(
        cluster,
        { address: `127.0.0.1:${port}`, spoolDir: join(dir, `spool${i}`), idleExitS: 2, concurrency: 2, groupSize: 4 },
        `w${i}`,
      ),
    );
    const s = await waitForState(db, settled, 90_000);
    const codes = await Promise.all(
      workers.map((w) => Promise.race([exited(w), new Promise((r) => setTimeout(() => r('still running'), 60_000))])),
    );
    expect(settled(s), JSON.stringify(s.byStatus)).toBe(true);
    expect(codes).toEqual(Array(8).fill(0)); // idle workers drain and exit 0 by themselves
    const end = readState(db);
    expect(end.total).toBe(500);
    expect(end.results).toBe(end.byStatus.done);
    expect(end.doneWithoutResult).toBe(0);
    expect(end.resultsForNotDone).toBe(0);
    expect(end.failedBeforeLimit).toBe(0);
    expect(end.finalMetricRowsPerDone).toBe(1);
    expect(end.syntheticBackendRows).toBe(end.results);

    // every attempt's outcome is the deterministic draw for its fencing token
    const h = openDatabase(db, { readonly: true });
    const attempts = h
      .prepare(
        "SELECT t.key, t.status, a.fencing_token AS token, a.outcome FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.outcome IN ('done','failed')",
      )
      .all() as { key: string; status: string; token: number; outcome: string }[];
    const failedTrials = (h.prepare("SELECT key FROM trials WHERE status = 'failed'").all() as { key: string }[]).map(
      (r) => r.key,
    );
    const tokens = h.prepare('SELECT DISTINCT fencing_token AS t FROM attempts').all() as { t: number }[];
    h.close();
    const mismatched = attempts.filter((a) => (a.outcome === 'failed') !== attemptFails(1, a.key, a.token, 0.05));
    expect(mismatched).toEqual([]);
    expect(attempts.filter((a) => a.outcome === 'failed').length).toBeGreaterThan(5); // ~5% of ~525 attempts
    // the trials that failed for good are exactly those whose every attempt drew a failure
    expect(tokens.length).toBeGreaterThan(1);
    for (const k of failedTrials)
      expect(attempts.filter((a) => a.key === k && a.outcome === 'failed').length).toBe(maxAttempts);
  }, 300_000);
});
