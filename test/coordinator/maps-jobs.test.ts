/**
 * Maps jobs against the real server, and the two CLI commands around them: when a stage's last trial settles,
 * each class's best trial by image and by pixel AUROC gets one maps job; the job is leased with maps_only, its
 * lease uploads the maps, its completion is accepted only with metrics equal to the stored ones (which never
 * change); a failed job's lease may not upload. `wepadim maps TRIAL` reports or queues a job, and
 * `wepadim artifacts TRIAL` lists the stored files and fetches them (bytes equal to their stored sha256).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadBuffer } from '../../coordinator/server/artifact-client.js';
import { promiseClient } from '../../coordinator/server/client.js';
import { WEPADIM } from '../distributed/harness.js';
import { acquire, register, startHarness, TOKEN, type Harness } from './harness.js';
import { RESULT } from './seed.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const png = (seed: number): Buffer => Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13 + seed) & 255));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [WEPADIM, ...args, '--coordinator', h!.coord.address, '--insecure'],
      { env: { ...process.env, WEPADIM_TOKEN: TOKEN } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('maps jobs', () => {
  it("queues each class winner's job once at the stage's end, checks the re-run's metrics, and the CLI lists, fetches and requests", async () => {
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
        .prepare(
          'SELECT t.key, j.reason, j.status, j.maps, j.error FROM map_jobs j JOIN trials t ON t.id = j.trial_id ORDER BY t.key',
        )
        .all() as { key: string; reason: string; status: string; maps: number | null; error: string | null }[];
    const metric = (key: string, name: string): number[] =>
      h!.ro
        .prepare(
          'SELECT m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE t.key = ? AND m.name = ? AND m.final = 1',
        )
        .pluck()
        .all(key, name) as number[];
    await register(h.client, 'w1');
    const g = await acquire(h.client, 'w1', 2);
    expect(g.trials.map((t) => [t.key, t.maps_only])).toEqual([
      ['k1', false],
      ['k2', false],
    ]);
    const [t1, t2] = g.trials;
    const done = (t: typeof t1, metrics: Record<string, number>) =>
      rpc.Complete({
        worker_id: 'w1',
        results: [{ lease_id: t.lease_id, fencing_token: t.fencing_token, ...RESULT, metrics }],
      });
    await done(t1, { image_auroc: 0.93, pixel_auroc: 0.97 });
    expect(jobs()).toEqual([]); // k2 still open: the stage has not ended
    await done(t2, { image_auroc: 0.9, pixel_auroc: 0.98 });
    expect(jobs()).toEqual([
      { key: 'k1', reason: 'winner image_auroc', status: 'pending', maps: null, error: null },
      { key: 'k2', reason: 'winner pixel_auroc', status: 'pending', maps: null, error: null },
    ]);

    const m = await acquire(h.client, 'w1', 4);
    expect(m.trials.map((t) => [t.key, t.maps_only])).toEqual([
      ['k1', true],
      ['k2', true],
    ]);
    const [j1, j2] = m.trials;
    const hb = await rpc.Heartbeat({
      worker_id: 'w1',
      leases: [{ lease_id: j1.lease_id, fencing_token: j1.fencing_token }],
    });
    expect(hb.leases[0].ok).toBe(true);
    const map = png(1);
    const name = 'bottle_broken_003_score-3.750.png';
    const up = (lease: string, token: number | string, n: string, data: Buffer) =>
      uploadBuffer(
        h!.client,
        {
          worker_id: 'w1',
          lease_id: lease,
          fencing_token: token,
          name: n,
          kind: 'map-high',
          mime: 'image/png',
          sha256: sha(data),
          size: data.length,
        },
        data,
      );
    expect(await up(j1.lease_id, j1.fencing_token, name, map)).toMatchObject({ stored: true, trial_key: 'k1' });
    // equal metrics (timings may differ): accepted, and nothing of the trial is written again
    const before = h.ro.prepare('SELECT result_json FROM results').pluck().all();
    const ok = await rpc.Complete({
      worker_id: 'w1',
      results: [
        {
          lease_id: j1.lease_id,
          fencing_token: j1.fencing_token,
          ...RESULT,
          metrics: { image_auroc: 0.93, pixel_auroc: 0.97, 'time.total_s': 9 },
          artifacts: [{ kind: 'map-high', path: `/w/k1/${name}` }],
        },
      ],
    });
    expect(ok.outcomes[0]).toMatchObject({ accepted: true, trial_status: 'done' });
    // other metrics: refused, the job fails, the trial's metrics stay, and the job's lease may no longer upload
    const bad = await rpc.Complete({
      worker_id: 'w1',
      results: [
        {
          lease_id: j2.lease_id,
          fencing_token: j2.fencing_token,
          ...RESULT,
          metrics: { image_auroc: 0.9, pixel_auroc: 0.5 },
        },
      ],
    });
    expect(bad.outcomes[0]).toMatchObject({ accepted: false, trial_status: 'failed' });
    expect(bad.outcomes[0].reason).toContain('pixel_auroc: stored 0.98, re-run 0.5');
    await expect(up(j2.lease_id, j2.fencing_token, name, png(2))).rejects.toThrow(/no longer owns the maps job/);
    expect(jobs().map((j) => [j.key, j.status, j.maps])).toEqual([
      ['k1', 'done', 1],
      ['k2', 'failed', null],
    ]);
    expect(metric('k2', 'pixel_auroc')).toEqual([0.98]);
    expect(metric('k1', 'time.total_s')).toEqual([]);
    expect(h.ro.prepare('SELECT result_json FROM results').pluck().all()).toEqual(before);

    // wepadim artifacts: list, then fetch (the bytes are the stored sha256's)
    const list = await cli(['artifacts', 'k1', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { name: string; kind: string; sha256: string; size: number }[];
    expect(listed.map((a) => [a.name, a.kind, a.sha256, a.size])).toEqual([[name, 'map-high', sha(map), map.length]]);
    const table = await cli(['artifacts', 'k1']);
    expect(table.stdout).toContain(name);
    const out = join(h.dir, 'fetched');
    const fetched = await cli(['artifacts', 'k1', '--out', out]);
    expect(fetched.code, fetched.stderr).toBe(0);
    const bytes = readFileSync(join(out, 'k1', name));
    const stored = h.ro.prepare('SELECT sha256 FROM artifacts WHERE name = ? AND sha256 IS NOT NULL').pluck().get(name);
    expect(sha(bytes)).toBe(stored);
    expect(bytes.equals(map)).toBe(true);

    // wepadim maps: k1's maps are there; k2's failed job is queued again; an unknown trial is a user error
    const k1 = await cli(['maps', 'k1', '--json']);
    expect(JSON.parse(k1.stdout)).toMatchObject([{ trial_key: 'k1', status: 'done', reported: 1, stored: 1 }]);
    const k2 = await cli(['maps', 'k2']);
    expect(k2.code, k2.stderr).toBe(0);
    expect(k2.stdout).toContain('sweep1/k2: pending');
    expect(jobs().find((j) => j.key === 'k2')).toMatchObject({ status: 'pending', reason: 'requested', error: null });
    const none = await cli(['maps', 'nope']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no trial "nope"');
  }, 300_000);
});
