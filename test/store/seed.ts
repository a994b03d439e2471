/**
 * Test helpers: build sweeps the way coordinator/grid expands them, and seed trials, results and final
 * metrics directly with SQL from a seeded PRNG, keeping the raw arrays for hand-computed expectations.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../coordinator/store/db.js';
import type { SubmittableSweep } from '../../coordinator/store/types.js';
import { trialKey, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import type { Subband } from '../../shared/subbands.js';
import type { Wavelet } from '../../shared/wavelets.js';
import { mulberry32 } from '../../shared/random.js';

export const prng = mulberry32;

export const BASE: TrialParams = {
  objective: 'wepadim',
  dataset: 'mvtec',
  root: '/data/mvtec',
  class: 'bottle',
  backbone: 'resnet18',
  weights: 'random:0',
  wavelet: 'haar',
  level: 1,
  mode: 'zero',
  subbands: ['LL', 'LH', 'HL'],
  align: 'down',
  distance: 'squared',
  smoothing: 'reference',
  sigma: 4,
  cov_reg: 0.01,
  selection: null,
  synthetic: null,
};

export interface GridAxes {
  classes: string[];
  wavelet?: Wavelet[];
  level?: number[];
  sigma?: number[];
  cov_reg?: number[];
  subbands?: Subband[][];
  selection?: TrialParams['selection'];
}

/** Expand like the original: points in nested order (cov_reg fastest), classes innermost. */
export function expandGrid(axes: GridAxes): TrialSpec[] {
  const out: TrialSpec[] = [];
  for (const wavelet of axes.wavelet ?? [BASE.wavelet])
    for (const level of axes.level ?? [BASE.level])
      for (const subbands of axes.subbands ?? [BASE.subbands])
        for (const sigma of axes.sigma ?? [BASE.sigma])
          for (const cov_reg of axes.cov_reg ?? [BASE.cov_reg])
            for (const cls of axes.classes) {
              const params: TrialParams = {
                ...BASE,
                class: cls,
                wavelet,
                level,
                subbands,
                sigma,
                cov_reg,
                selection: axes.selection ?? null,
              };
              out.push({ key: trialKey(params), stage: 'main', params });
            }
  return out;
}

export function makeSweep(name: string, axes: GridAxes, maxAttempts = 3): SubmittableSweep {
  const sourceYaml = `# test sweep ${name}\n${JSON.stringify(axes)}\n`;
  return {
    name,
    sourcePath: `/tmp/${name}.yaml`,
    sourceYaml,
    sourceHash: createHash('sha256').update(sourceYaml).digest('hex'),
    maxAttempts,
    trials: expandGrid(axes),
  };
}

export interface SeededTrial {
  id: number;
  class: string;
  point: string; // params JSON minus class, as the store computes it
  params: TrialParams;
  metrics: Record<string, number>;
}

/**
 * Mark trials done with final metrics drawn from the PRNG (values in [0.5, 1), rounded to 3 digits so
 * ties happen), each with an attempt and a results row. `skip(i)` leaves trial i pending.
 */
export function seedResults(
  db: Db,
  sweepId: number,
  metricNames: string[],
  seed: number,
  skip: (index: number) => boolean = () => false,
): SeededTrial[] {
  const rnd = prng(seed);
  const trials = db
    .prepare('SELECT id, class, params_json FROM trials WHERE sweep_id = ? ORDER BY id')
    .all(sweepId) as {
    id: number;
    class: string;
    params_json: string;
  }[];
  const attempt = db.prepare(
    `INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, ended_at, outcome) VALUES (?, 'w1', ?, 1, 1000, 2000, 'done')`,
  );
  const metric = db.prepare(
    'INSERT INTO metrics (trial_id, attempt_id, name, value, step, time, final) VALUES (?, ?, ?, ?, 0, 2000, 1)',
  );
  const result = db.prepare(
    `INSERT INTO results (trial_id, attempt_id, code_version, backend, device, weights, dataset_root, class, result_json, created_at)
     VALUES (?, ?, '0.1.0+test', 'onnx', 'cpu', 'random-init seed 0', '/data/mvtec', ?, '{}', 2000)`,
  );
  const done = db.prepare(`UPDATE trials SET status = 'done', attempts = 1, finished_at = ? WHERE id = ?`);
  const out: SeededTrial[] = [];
  db.transaction(() => {
    trials.forEach((t, i) => {
      const params = JSON.parse(t.params_json) as TrialParams;
      const { class: _c, ...rest } = params;
      const values: Record<string, number> = {};
      for (const n of metricNames) values[n] = Math.round((0.5 + rnd() * 0.5) * 1000) / 1000;
      if (skip(i)) return;
      const a = Number(attempt.run(t.id, `lease-${t.id}`).lastInsertRowid);
      for (const n of metricNames) metric.run(t.id, a, n, values[n]);
      result.run(t.id, a, t.class);
      done.run(2000 + i * 1000, t.id);
      out.push({ id: t.id, class: t.class, point: JSON.stringify(rest), params, metrics: values });
    });
  })();
  return out;
}
