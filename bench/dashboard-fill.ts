/**
 * The dashboard benchmark's database: one sweep of `trials` trials (wavelet x level x subbands x sigma x
 * cov_reg x 15 classes), 10 final metrics per done trial (1,000,000 rows at 100,000 trials), an attempt per
 * started trial (some failed, with their error text), 64 workers and a few artifacts. The last `open` trials
 * stay pending for the live part; the simulated workers (dashboard-writer.ts) finish them.
 */
import type Database from 'better-sqlite3';
import { canonicalJson, trialKey, type TrialParams } from '../shared/trial.js';

export const METRICS = [
  'image_auroc',
  'pixel_auroc',
  'aupro',
  'f1_max',
  'f1_threshold',
  'time.load_s',
  'time.backbone_s',
  'time.fit_s',
  'time.total_s',
  'peak_rss_mb',
];
export const CLASSES = 15;
export const WORKERS = 64;
const WAVELETS = ['haar', 'db2', 'db4', 'sym4'];
const SUBBANDS = [['LL'], ['LL', 'LH', 'HL'], ['LL', 'LH', 'HL', 'HH']];

export function paramsOf(i: number): TrialParams {
  const point = Math.floor(i / CLASSES);
  return {
    objective: 'wepadim',
    dataset: 'mvtec',
    root: '/data/mvtec',
    class: `class${i % CLASSES}`,
    backbone: 'resnet18',
    weights: 'random:0',
    wavelet: WAVELETS[point % 4] as TrialParams['wavelet'],
    level: 1 + (Math.floor(point / 4) % 2),
    mode: 'zero',
    subbands: SUBBANDS[Math.floor(point / 8) % 3] as TrialParams['subbands'],
    align: 'down',
    distance: 'squared',
    smoothing: 'reference',
    sigma: 1 + (Math.floor(point / 24) % 10),
    cov_reg: 10 ** -(1 + (Math.floor(point / 240) % 30)),
    selection: null,
    synthetic: null,
  };
}

export function fill(db: Database.Database, trials: number, open: number): void {
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  db.prepare(
    `INSERT INTO sweeps (name, source_yaml, source_hash, created_at, updated_at) VALUES ('big', '', '', 0, 0)`,
  ).run();
  const now = Date.now();
  const trial = db.prepare(
    `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, status, attempts, created_at, started_at, finished_at, worker_id, error)
     VALUES (1, ?, 'main', ?, 'wepadim', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
  );
  const attempt = db.prepare(
    'INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, ended_at, outcome, error) VALUES (?, ?, ?, 1, ?, ?, ?, ?)',
  );
  const metric = db.prepare(
    'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, 0, ?, 1)',
  );
  const result = db.prepare(
    `INSERT INTO results (trial_id, attempt_id, code_version, backend, device, weights, dataset_root, class, result_json, created_at)
     VALUES (?, ?, 'bench', 'onnx', 'cpu', 'random-init seed 0', '/data/mvtec', ?, '{}', ?)`,
  );
  const worker = db.prepare(
    `INSERT INTO workers (id, host, gpu_index, backend, state, registered_at, last_heartbeat) VALUES (?, ?, ?, 'onnx-cuda', 'active', ?, ?)`,
  );
  db.transaction(() => {
    for (let w = 0; w < WORKERS; w++) worker.run(`node${w >> 3}:${w & 7}`, `node${w >> 3}`, w & 7, now, now);
    for (let i = 0; i < trials; i++) {
      const p = paramsOf(i);
      const pending = i >= trials - open;
      const failed = !pending && i % 997 === 0;
      const t = now - (trials - i) * 10;
      const wid = `node${(i % WORKERS) >> 3}:${i % 8}`;
      const error = failed
        ? `Error: CUDA out of memory while fitting trial ${i}\n    at fit (worker/engine/gaussian.ts:120:11)\n    at runGroup (worker/runner/class-runner.ts:88:5)`
        : null;
      const id = Number(
        trial.run(
          trialKey(p),
          p.class,
          canonicalJson(p),
          `f${p.class}`,
          `d${p.wavelet}${p.level}`,
          pending ? 'pending' : failed ? 'failed' : 'done',
          pending ? 0 : 1,
          pending ? null : t - 5000,
          pending ? null : t,
          pending ? null : wid,
          error,
        ).lastInsertRowid,
      );
      if (pending) continue;
      const a = Number(attempt.run(id, wid, `L${id}`, t - 5000, t, failed ? 'failed' : 'done', error).lastInsertRowid);
      if (failed) continue;
      for (const m of METRICS) metric.run(id, a, m, rnd(), t);
      result.run(id, a, p.class, t);
    }
    db.prepare(
      `INSERT INTO artifacts (trial_id, kind, path, created_at) VALUES (1, 'map-best', 'artifacts/none.png', ?)`,
    ).run(now);
  })();
}
