/**
 * Artifact uploads survive crashes: synthetic trials write trial.json and a 1 MB data file each; a worker is
 * killed -9 while it still has uploads in its spool (its replacement on the same spool sends them), and the
 * coordinator is killed -9 while a file is being received, or at least while uploads are outstanding (the
 * workers retry against its restart). In the
 * end every done trial has exactly its two files stored, once, with the bytes its sha256 names, and no
 * temporary is left.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { openDatabase } from '../../coordinator/store/index.js';
import {
  Cluster,
  duplicates,
  freePort,
  seedSweep,
  settled,
  sleep,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
  workerEvents,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-artifacts-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

const FILE_BYTES = 1_000_000;
const jobsIn = (spool: string): number =>
  existsSync(join(spool, 'uploads'))
    ? readdirSync(join(spool, 'uploads')).filter((f) => f.endsWith('.upload.json')).length
    : 0;
const receiving = (): number =>
  existsSync(join(dir, 'artifacts', 'tmp')) ? readdirSync(join(dir, 'artifacts', 'tmp')).length : 0;

/** Poll `pred` every few ms until it holds (bounded only by the test timeout: a deadline flakes under load). */
async function until(pred: () => boolean, every = 5): Promise<void> {
  while (!pred()) await sleep(every);
}

/**
 * Leases far longer than a coordinator restart or a starved heartbeat on a loaded machine: an expired attempt's
 * uploads are refused (rightly: its result is rejected and the trial re-runs), which is not what this test is
 * about. The trials of the killed worker still re-run once this ttl passes.
 */
const TTL_MS = 60_000;

describe('artifact uploads under kill -9', () => {
  it('every done trial ends with its files stored exactly once after a worker and the coordinator die mid-upload', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 60, { sleepMs: 300, failRate: 0, maxAttempts: 10 });
    const port = await freePort();
    let coordinator = await startCoordinatorChild(cluster, db, port, TTL_MS);
    const address = `127.0.0.1:${port}`;
    const env = { WEPADIM_SYNTHETIC_ARTIFACT_BYTES: String(FILE_BYTES) };
    const spool = (i: number): string => join(dir, `spool${i}`);
    const slots: ChildProcess[] = [];
    const start = (i: number): void => {
      slots[i] = startWorkerChild(
        cluster,
        {
          address,
          spoolDir: spool(i),
          idleExitS: 120, // more than TTL_MS: the killed worker's trials must find someone when they requeue
          concurrency: 2,
          groupSize: 2,
          artifactsDir: join(dir, `art${i}`),
          env,
        },
        `w${i}`,
      );
    };
    for (let i = 0; i < 3; i++) start(i);

    // 1. kill -9 worker 0 while upload jobs wait in its spool (a result was spooled, its files not all stored)
    await until(() => jobsIn(spool(0)) > 0);
    await cluster.kill9(slots[0]);
    const leftInSpool = jobsIn(spool(0));
    expect(leftInSpool).toBeGreaterThan(0);
    start(0);

    // 2. kill -9 the coordinator while it receives a file (or, should the poll miss every receive, while the
    //    workers still hold upload jobs), then restart it on the same database and port
    const midUpload = (): boolean =>
      receiving() > 0 || (slots.some((_, i) => jobsIn(spool(i)) > 0) && Math.random() < 0.01);
    await until(midUpload, 1);
    await cluster.kill9(coordinator);
    coordinator = await startCoordinatorChild(cluster, db, port, TTL_MS);

    const s = await waitForState(db, settled, Infinity);
    expect(
      settled(s),
      `${JSON.stringify(s.byStatus)}\n${cluster.tail(coordinator, 15)}\n${slots.map((c) => cluster.tail(c, 8)).join('\n')}`,
    ).toBe(true);
    expect(s.byStatus.done).toBe(60);
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
    // the workers drain their upload spools before they exit on idle
    for (let i = 0; i < 3; i++) await until(() => jobsIn(spool(i)) === 0, 100);
    expect(jobsIn(spool(0))).toBe(0); // the replacement sent what the killed worker left

    const ro = openDatabase(db, { readonly: true });
    try {
      const perTrial = ro
        .prepare(
          `SELECT t.key, count(a.id) AS stored, sum(a.kind = 'file') AS files, sum(a.kind = 'trial-json') AS jsons,
             (SELECT count(*) FROM artifacts x WHERE x.trial_id = t.id AND x.sha256 IS NULL) AS reported_only
           FROM trials t LEFT JOIN artifacts a ON a.trial_id = t.id AND a.sha256 IS NOT NULL GROUP BY t.id`,
        )
        .all() as { key: string; stored: number; files: number; jsons: number; reported_only: number }[];
      expect(perTrial).toHaveLength(60);
      for (const r of perTrial) expect(r, r.key).toMatchObject({ stored: 2, files: 1, jsons: 1, reported_only: 0 });
      const rows = ro.prepare('SELECT sha256, size, path FROM artifacts WHERE sha256 IS NOT NULL').all() as {
        sha256: string;
        size: number;
        path: string;
      }[];
      for (const r of rows) {
        const bytes = readFileSync(join(dir, r.path));
        expect(bytes.length).toBe(r.size);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
      }
      expect(rows.filter((r) => r.size === FILE_BYTES)).toHaveLength(60);
    } finally {
      ro.close();
    }
    expect(receiving()).toBe(0); // the restart deleted the interrupted receive's temporary; nothing left half-written
    const refused = slots.flatMap((c) => workerEvents(cluster, c).filter((e) => e.type === 'upload-refused'));
    expect(refused).toEqual([]);
  }, 600_000);
});
