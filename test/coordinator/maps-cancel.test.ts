/**
 * `wepadim cancel SWEEP` ends the sweep's open maps jobs too (pending and leased: failed, with the reason), a
 * cancelled job's lease can no longer complete, and `wepadim status` counts the sweep's maps jobs by state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { sweepStatus } from '../../coordinator/report/status.js';
import { statusText } from '../../coordinator/report/status-view.js';
import { openReads } from '../../coordinator/store/reads/open.js';
import { acquire, register, startHarness, type Harness } from './harness.js';
import { RESULT } from './seed.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('cancelling a sweep with maps jobs', () => {
  it('fails its pending and leased maps jobs, refuses the leased one afterwards, and status shows them', async () => {
    h = await startHarness(
      [
        { key: 'k1', featureKey: 'f', objective: 'wepadim' },
        { key: 'k2', featureKey: 'f', objective: 'wepadim' },
      ],
      { leaseTtlMs: 60_000 },
    );
    const rpc = promiseClient(h.client);
    const jobs = () =>
      h!.ro
        .prepare('SELECT t.key, j.status, j.error FROM map_jobs j JOIN trials t ON t.id = j.trial_id ORDER BY t.key')
        .all() as { key: string; status: string; error: string | null }[];
    const status = () => {
      const reads = openReads(h!.dbPath);
      try {
        return sweepStatus(reads, 'sweep1');
      } finally {
        reads.close();
      }
    };
    await register(h.client, 'w1');
    const g = await acquire(h.client, 'w1', 2);
    await rpc.Complete({
      worker_id: 'w1',
      results: g.trials.map((t, i) => ({
        lease_id: t.lease_id,
        fencing_token: t.fencing_token,
        ...RESULT,
        metrics: { image_auroc: 0.9 + i / 100, pixel_auroc: 0.98 - i / 100 },
      })),
    });
    expect(jobs().map((j) => j.status)).toEqual(['pending', 'pending']);
    const m = await acquire(h.client, 'w1', 1); // one job leased, the other still pending
    expect(m.trials).toHaveLength(1);
    expect(m.trials[0].maps_only).toBe(true);
    expect(status().mapJobs).toEqual({ pending: 1, leased: 1, done: 0, failed: 0 });
    expect(statusText(status())).toContain('maps jobs: 1 pending, 1 running, 0 done, 0 failed');

    const res = await rpc.Cancel({ target: 'sweep1' });
    expect(res).toMatchObject({ matched: 'sweep', cancelled: 0, interrupted: 0, maps_cancelled: 2 });
    expect(jobs()).toEqual([
      { key: 'k1', status: 'failed', error: 'cancelled with sweep sweep1' },
      { key: 'k2', status: 'failed', error: 'cancelled with sweep sweep1' },
    ]);
    const late = await rpc.Complete({
      worker_id: 'w1',
      results: [{ lease_id: m.trials[0].lease_id, fencing_token: m.trials[0].fencing_token, ...RESULT }],
    });
    expect(late.outcomes[0].accepted).toBe(false);
    expect(status().mapJobs).toEqual({ pending: 0, leased: 0, done: 0, failed: 2 });
    expect(statusText(status())).toContain('maps jobs: 0 pending, 0 running, 0 done, 2 failed');
    // nothing left for a worker
    expect((await acquire(h.client, 'w1', 4)).trials).toEqual([]);
    // a second cancel finds nothing open
    expect(await rpc.Cancel({ target: 'sweep1' })).toMatchObject({ matched: 'sweep', maps_cancelled: 0 });
  });
});
