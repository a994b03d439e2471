/**
 * The worker client against the real coordinator (in process, temp SQLite): progress rows are not lost
 * to a Complete that overtakes them, and a worker keeps getting the groups of the class it has warm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator } from '../../coordinator/server/index.js';
import { openDatabase } from '../../coordinator/store/db.js';
import { submitSweep } from '../../coordinator/store/submit.js';
import { createLogger } from '../../shared/log.js';
import { featureKey, trialKey, type TrialParams } from '../../shared/trial.js';
import { EventLog, waitFor } from '../support/wait.js';
import { runWorker, type WorkerEvent, type WorkerOptions } from '../../worker/client/index.js';
import type { RunnerPorts } from '../../worker/runner/ports.js';
import { syntheticParams } from '../distributed/harness.js';
import { fakePorts, makeDataset } from '../runner/fake-ports.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(params: TrialParams[]) {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-client-real-'));
  const dbPath = join(dir, 'db.sqlite');
  const db = openDatabase(dbPath);
  submitSweep(db, {
    name: 's',
    sourcePath: '',
    sourceYaml: '#',
    sourceHash: 'h',
    maxAttempts: 3,
    trials: params.map((p) => ({ key: trialKey(p), stage: 'main', params: p })),
  });
  db.close();
  const coord = await startCoordinator({
    dbPath,
    listen: '127.0.0.1:0',
    auth: { token: null, tls: null, insecure: true },
    leaseTtlMs: 10_000,
    acquireWaitMs: 300,
    log: createLogger({}, { level: 'error', json: true, write: () => {} }),
  });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => coord.stop(0),
  );
  const opts = (name: string, over: Partial<WorkerOptions> = {}): WorkerOptions => ({
    coordinator: coord.address,
    gpu: null,
    concurrency: 1,
    groupSize: 4,
    spoolDir: join(dir, `spool-${name}`),
    auth: { token: null, tls: null, insecure: true },
    backend: 'synthetic',
    objectiveOptions: {},
    idleExitMs: 300,
    acquireWaitMs: 200,
    workerId: name,
    ...over,
  });
  const query = <T>(sql: string): T => {
    const ro = openDatabase(dbPath, { readonly: true });
    try {
      return ro.prepare(sql).get() as T;
    } finally {
      ro.close();
    }
  };
  return { coord, opts, query };
}

describe('worker client against the real coordinator', () => {
  it("stores every progress update: a result never overtakes its trial's last progress", async () => {
    const n = 600;
    const { opts, query } = await setup(Array.from({ length: n }, (_, i) => syntheticParams(i, 0, 0)));
    // zero-work trials finish while earlier progress batches are still on the wire
    await runWorker(opts('w1', { concurrency: 8, groupSize: 16 }));
    expect(query<{ n: number }>(`SELECT COUNT(*) AS n FROM trials WHERE status = 'done'`).n).toBe(n);
    // one update per zero-work synthetic trial (value synthetic.step = 1), each stored once
    expect(
      query<{ n: number }>(`SELECT COUNT(*) AS n FROM metrics WHERE final = 0 AND name = 'synthetic.step'`).n,
    ).toBe(n);
    expect(query<{ n: number }>(`SELECT COUNT(DISTINCT trial_id) AS n FROM metrics WHERE final = 0`).n).toBe(n);
    expect(query<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE message LIKE '%stale%'`).n).toBe(0);
  }, 300_000);

  it('a leased trial shows as running while it still runs (the heartbeat right after the lease)', async () => {
    const { opts, query } = await setup([syntheticParams(0, 600_000, 0)]);
    const log = new EventLog<WorkerEvent>();
    const stop = new AbortController();
    // with no first heartbeat after the lease, the trial would show as running only after a full heartbeat interval;
    // heartbeats.test.ts times that first beat (100 ms) on a fake clock
    const run = runWorker(opts('w1', { onEvent: log.push, signal: stop.signal }));
    await log.next((e) => e.type === 'leased', 'the lease');
    await waitFor(
      () => query<{ status: string }>(`SELECT status FROM trials`).status === 'running',
      'the trial to show as running',
    );
    expect(log.count((e) => e.type === 'finished')).toBe(0); // the 10-minute trial is still going
    stop.abort();
    await run;
    expect(log.all.at(-1)).toMatchObject({ type: 'stopped', reason: 'aborted' });
  }, 180_000);

  it("cache affinity: once a worker ran a class, it keeps getting that class's groups", async () => {
    // A is the larger group, so both workers start on it; once A is smaller than B, "largest group
    // first" alone would send every next acquire to the other class, back and forth
    const sizes = { A: 48, B: 24 };
    const mk = (cls: string, i: number): TrialParams => ({ ...syntheticParams(i, 15, 0), class: cls });
    const params = [
      ...Array.from({ length: sizes.A }, (_, i) => mk('A', i)),
      ...Array.from({ length: sizes.B }, (_, i) => mk('B', i)),
    ];
    const fkOf = new Map(params.map((p) => [trialKey(p), featureKey(p)]));
    const { opts } = await setup(params);
    const leases: Record<string, string[][]> = { w1: [], w2: [] };
    const on = (name: string) => (e: WorkerEvent) => {
      if (e.type === 'leased') leases[name].push([...new Set(e.trialKeys.map((k) => fkOf.get(k) ?? '?'))]);
    };
    // unequal group sizes, so the two workers do not simply take turns in lockstep
    await Promise.all([
      runWorker(opts('w1', { groupSize: 4, onEvent: on('w1') })),
      runWorker(opts('w2', { groupSize: 3, onEvent: on('w2') })),
    ]);
    const all = [...leases.w1, ...leases.w2];
    expect(all.reduce((s, l) => s + l.length, 0)).toBe(all.length); // a lease is one class
    expect(all.length).toBeGreaterThanOrEqual((sizes.A + sizes.B) / 4);
    expect(all.flat().filter((k) => k === featureKey(mk('A', 0))).length).toBeGreaterThan(0);
    const fkA = featureKey(mk('A', 0));
    const seqs = [leases.w1.map((l) => l[0]), leases.w2.map((l) => l[0])];
    // each worker stays on the class it has warm until that class runs out (at most one switch)
    for (const s of seqs) {
      expect(s.length).toBeGreaterThan(2);
      const switches = s.filter((k, i) => i > 0 && k !== s[i - 1]).length;
      expect(switches, `class sequence ${s.map((k) => (k === fkA ? 'A' : 'B')).join('')}`).toBeLessThanOrEqual(1);
    }
  }, 300_000);

  it('wepadim objective: Acquire carries the class the worker holds warm, and the objective is disposed on exit', async () => {
    const data = mkdtempSync(join(tmpdir(), 'wepadim-client-data-'));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const classes = { alpha: { train: 4, test: 4 } };
    makeDataset(data, classes);
    const p: TrialParams = {
      objective: 'wepadim',
      dataset: 'folder',
      root: data,
      class: 'alpha',
      backbone: 'resnet18',
      weights: 'random:0',
      wavelet: 'haar',
      level: 1,
      mode: 'zero',
      subbands: ['LL'],
      align: 'down',
      distance: 'squared',
      smoothing: 'reference',
      sigma: 4,
      cov_reg: 0.01,
      selection: null,
      synthetic: null,
    };
    const { opts, query } = await setup([p, { ...p, sigma: 2 }]);
    const { ports } = fakePorts(classes);
    let disposed = 0;
    const recording: RunnerPorts = {
      ...ports,
      models: {
        createFeatureExtractor: async (req) => {
          const ex = await ports.models.createFeatureExtractor(req);
          return { ...ex, extract: ex.extract.bind(ex), dispose: () => void disposed++ };
        },
      },
    };
    // idle long enough (> 1 s) that a later Acquire's caches are persisted to the workers table
    await runWorker(
      opts('w1', {
        idleExitMs: 1500,
        objectiveOptions: {
          ports: recording,
          cacheDir: null,
          artifactsDir: join(data, 'art'),
          mapTrialsPerClass: 0,
          logger: createLogger({}, { write: () => {} }),
        },
      }),
    );
    expect(query<{ n: number }>(`SELECT COUNT(*) AS n FROM trials WHERE status = 'done'`).n).toBe(2);
    expect(
      JSON.parse(query<{ caches_json: string }>(`SELECT caches_json FROM workers WHERE id = 'w1'`).caches_json),
    ).toEqual([featureKey(p)]);
    expect(disposed).toBe(1);
  }, 300_000);
});
