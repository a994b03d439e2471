/**
 * Maps of the per-class winners under kill -9: a small real sweep (wepadim objective, two generated classes,
 * four variants each) runs on a coordinator and two workers, child processes, with per-lease maps off, so
 * every winner's maps come from a maps job. A worker is killed -9 while it holds a maps job (the job's lease
 * expires and another worker runs it), then the coordinator is killed -9 while maps work is outstanding and
 * restarted on the same database. In the end each class's best trial by image AUROC and by pixel AUROC has its
 * map PNGs stored exactly once (one row per file name, bytes matching their sha256), maps jobs exist for those
 * trials only, and no trial's metrics or results changed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { openDatabase, submitSweep } from '../../coordinator/store/index.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { generateSyntheticDataset } from '../../worker/data/index.js';
import { Cluster, duplicates, freePort, sleep, startCoordinatorChild, startWorkerChild } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-maps-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function until(pred: () => boolean, ms: number, every = 5): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(every)) if (pred()) return true;
  return pred();
}

function params(root: string, cls: string, sigma: number, covReg: number): TrialParams {
  return {
    objective: 'wepadim',
    dataset: 'folder',
    root,
    class: cls,
    backbone: 'resnet18',
    weights: 'random:0',
    wavelet: 'haar',
    level: 1,
    mode: 'zero',
    subbands: ['LL', 'LH', 'HL'],
    align: 'down',
    distance: 'squared',
    smoothing: 'reference',
    sigma,
    cov_reg: covReg,
    selection: null,
    synthetic: null,
  };
}

describe('maps of the per-class winners under kill -9', () => {
  it('every winner by image and pixel AUROC ends with its maps stored exactly once', async () => {
    const data = join(dir, 'data');
    await generateSyntheticDataset(data, { classes: ['weave', 'disc'], train: 8, test: 8, size: 128, seed: 0 });
    const db = join(dir, 'sweep.db');
    const trials = ['weave', 'disc'].flatMap((cls) =>
      [2, 4].flatMap((sigma) =>
        [0.01, 1].map((c) => {
          const p = params(data, cls, sigma, c);
          return { key: trialKey(p), stage: 'main', params: p };
        }),
      ),
    );
    const w = openDatabase(db);
    submitSweep(w, { name: 'maps', sourcePath: '', sourceYaml: '#', sourceHash: 't', maxAttempts: 5, trials });
    w.close();
    const ro = openDatabase(db, { readonly: true });
    const q = <T>(sql: string, ...args: unknown[]): T[] => ro.prepare(sql).all(...args) as T[];
    try {
      const port = await freePort();
      let coordinator = await startCoordinatorChild(cluster, db, port, 8_000);
      const slots: ChildProcess[] = [];
      const start = (i: number): void => {
        slots[i] = startWorkerChild(
          cluster,
          {
            address: `127.0.0.1:${port}`,
            spoolDir: join(dir, `spool${i}`),
            idleExitS: 600,
            concurrency: 1,
            groupSize: 4,
            workerId: `w${i}`,
            artifactsDir: join(dir, `art${i}`),
            env: { WEPADIM_MAP_TRIALS: '0', WEPADIM_CACHE_DIR: join(dir, `cache${i}`) },
          },
          `w${i}`,
        );
      };
      start(0);
      start(1);
      const jobs = () =>
        q<{ trial_id: number; status: string; worker_id: string | null; maps: number | null }>(
          'SELECT trial_id, status, worker_id, maps FROM map_jobs',
        );
      const logs = (): string => [coordinator, ...slots].map((c) => cluster.tail(c, 10)).join('\n');

      // 1. kill -9 the worker that holds a maps job; its replacement starts on the same spool
      let holder = '';
      expect(
        await until(() => {
          holder = jobs().find((j) => j.status === 'leased')?.worker_id ?? '';
          return holder !== '';
        }, 240_000),
        logs(),
      ).toBe(true);
      const k = Number(holder.slice(1));
      await cluster.kill9(slots[k]);
      start(k);

      // 2. kill -9 the coordinator while maps work is outstanding, restart it on the same database and port
      expect(
        await until(
          () => jobs().some((j) => j.status !== 'failed' && (j.status !== 'done' || j.maps === null)),
          60_000,
        ),
      ).toBe(true);
      await cluster.kill9(coordinator);
      coordinator = await startCoordinatorChild(cluster, db, port, 8_000);

      // 3. every job done and every map it reported stored
      const stored = (id: number): number =>
        q<{ n: number }>(
          `SELECT count(*) AS n FROM artifacts WHERE trial_id = ? AND sha256 IS NOT NULL AND kind IN ('map-high','map-low')`,
          id,
        )[0].n;
      const finished = (): boolean =>
        jobs().length > 0 &&
        jobs().every((j) => j.status === 'done' && j.maps !== null && stored(j.trial_id) >= j.maps);
      expect(await until(finished, 240_000, 100), `${JSON.stringify(jobs())}\n${logs()}`).toBe(true);

      // the winners, computed here from the stored final metrics (ties: the trial submitted first)
      const winners = new Set<number>();
      for (const metric of ['image_auroc', 'pixel_auroc'])
        for (const cls of ['weave', 'disc'])
          winners.add(
            q<{ id: number }>(
              `SELECT t.id FROM trials t JOIN metrics m ON m.trial_id = t.id AND m.final = 1 AND m.name = ?
               WHERE t.class = ? AND t.status = 'done' ORDER BY m.value DESC, t.id LIMIT 1`,
              metric,
              cls,
            )[0].id,
          );
      expect(new Set(jobs().map((j) => j.trial_id))).toEqual(winners);
      for (const id of winners) {
        const rows = q<{ name: string; kind: string; sha256: string; size: number; path: string }>(
          `SELECT name, kind, sha256, size, path FROM artifacts WHERE trial_id = ? AND kind IN ('map-high','map-low')`,
          id,
        );
        // 2 highest- and 2 lowest-scoring images, each once, all stored (no worker-path-only row)
        expect(rows.map((r) => r.kind).sort()).toEqual(['map-high', 'map-high', 'map-low', 'map-low']);
        expect(new Set(rows.map((r) => r.name)).size).toBe(4);
        for (const r of rows) {
          expect(r.name).toMatch(/_score-[\d.]+\.png$/);
          const bytes = readFileSync(join(dir, r.path));
          expect(bytes.length).toBe(r.size);
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
        }
      }
      // non-winners got no maps; results and metrics are the first run's, once per trial
      expect(q<{ n: number }>(`SELECT count(DISTINCT trial_id) AS n FROM artifacts WHERE kind LIKE 'map-%'`)[0].n).toBe(
        winners.size,
      );
      expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
      const finals = q<{ n: number; trials: number }>(
        `SELECT count(*) AS n, count(DISTINCT trial_id) AS trials FROM metrics WHERE final = 1 AND name = 'image_auroc'`,
      )[0];
      expect(finals).toEqual({ n: 8, trials: 8 });
      expect(q<{ n: number }>(`SELECT count(*) AS n FROM events WHERE message LIKE 'maps re-run%'`)[0].n).toBe(0);
    } finally {
      ro.close();
    }
  }, 600_000);
});
