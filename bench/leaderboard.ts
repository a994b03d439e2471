/**
 * Leaderboard query time on 1,000,000 final metric rows (100,000 trials x 10 metrics), against a baseline
 * measured in the same run: the same class-mean query on a schema-version-1 database (no grid-point
 * column, no covering index: grouping by json_remove(params_json, '$.class') computed per row).
 *
 *   node bin/run-ts.js bench/leaderboard.ts [--trials 100000] [--classes 15]
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, migrate, openDatabase } from '../coordinator/store/index.js';
import { buildLeaderboard } from '../coordinator/report/leaderboard.js';
import { StoreReads } from '../coordinator/store/reads/index.js';
import { canonicalJson, trialKey, type TrialParams } from '../shared/trial.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TRIALS = arg('trials', 100_000);
const CLASSES = arg('classes', 15);
const METRICS = [
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

const base: Omit<TrialParams, 'class' | 'sigma' | 'cov_reg' | 'wavelet' | 'level'> = {
  objective: 'wepadim',
  dataset: 'mvtec',
  root: '/data/mvtec',
  backbone: 'resnet18',
  weights: 'random:0',
  mode: 'zero',
  subbands: ['LL', 'LH', 'HL'],
  align: 'down',
  distance: 'squared',
  smoothing: 'reference',
  selection: null,
  synthetic: null,
};
const WAVELETS = ['haar', 'db2', 'db4', 'sym4'] as const;

function fill(db: Database.Database): void {
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  db.prepare(
    `INSERT INTO sweeps (name, source_yaml, source_hash, created_at, updated_at) VALUES ('big', '', '', 0, 0)`,
  ).run();
  const trial = db.prepare(
    `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, status, attempts, created_at, finished_at)
     VALUES (1, ?, 'main', ?, 'wepadim', ?, 'f', 'd', 'done', 1, 0, 0)`,
  );
  const metric = db.prepare('INSERT INTO metrics (trial_id, name, value, step, time, final) VALUES (?, ?, ?, 0, 0, 1)');
  db.transaction(() => {
    for (let i = 0; i < TRIALS; i++) {
      const point = Math.floor(i / CLASSES);
      const p: TrialParams = {
        ...base,
        class: `class${i % CLASSES}`,
        wavelet: WAVELETS[point % 4],
        level: 1 + (Math.floor(point / 4) % 2),
        sigma: 1 + (Math.floor(point / 8) % 50) / 10,
        cov_reg: 10 ** -(1 + Math.floor(point / 400)),
      };
      const id = Number(trial.run(trialKey(p), p.class, canonicalJson(p)).lastInsertRowid);
      for (const m of METRICS) metric.run(id, m, rnd());
    }
  })();
}

function time<T>(fn: () => T, reps = 3): { ms: number; out: T } {
  let best = Infinity;
  let out!: T;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, out };
}

const dir = mkdtempSync(join(tmpdir(), 'wepadim-bench-'));
try {
  const v1Path = join(dir, 'v1.db');
  const t0 = performance.now();
  const v1 = new Database(v1Path);
  v1.pragma('journal_mode = WAL');
  v1.pragma('synchronous = OFF');
  migrate(v1, MIGRATIONS.slice(0, 1));
  fill(v1);
  v1.pragma('wal_checkpoint(TRUNCATE)');
  const rows = (v1.prepare('SELECT count(*) n FROM metrics').get() as { n: number }).n;
  console.log(
    `filled ${TRIALS} trials x ${METRICS.length} metrics = ${rows} metric rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  v1.close();
  const v2Path = join(dir, 'v2.db');
  copyFileSync(v1Path, v2Path);
  const t1 = performance.now();
  openDatabase(v2Path).close(); // migration 2 on 1M rows
  console.log(`migration 1 -> ${MIGRATIONS.length} on that database: ${(performance.now() - t1).toFixed(0)} ms`);

  // baseline: class-mean ranking on the v1 schema
  const old = new Database(v1Path, { readonly: true });
  const baseline = time(
    () =>
      old
        .prepare(
          `SELECT json_remove(t.params_json, '$.class') AS point, avg(m.value) AS mean, count(m.value) AS classes, count(*) AS trials, min(t.id) AS first_id
           FROM trials t LEFT JOIN metrics m ON m.trial_id = t.id AND m.name = 'image_auroc' AND m.final = 1
           WHERE t.sweep_id = 1 GROUP BY point HAVING classes > 0
           ORDER BY classes = trials DESC, round(mean, 12) DESC, first_id ASC`,
        )
        .all() as { point: string }[],
  );
  old.close();

  const db = new StoreReads(openDatabase(v2Path, { readonly: true }), true);
  const mean = time(() => db.rankPoints(1, 'image_auroc'));
  // per class on a fresh connection each time: includes the one-off dataset-root check
  const perClass = time(() => {
    const c = new StoreReads(openDatabase(v2Path, { readonly: true }), true);
    try {
      return c.bestPerClass(1, 'image_auroc', { top: 1 });
    } finally {
      c.close();
    }
  });
  const full = time(() => buildLeaderboard(db, { sweep: 'big', metric: 'image_auroc', mode: 'mean', top: 10 }), 2);
  const filtered = time(() => db.rankPoints(1, 'pixel_auroc', { filters: [{ key: 'wavelet', values: ['haar'] }] }));
  db.close();
  if (mean.out.length !== baseline.out.length || mean.out[0].point !== baseline.out[0].point)
    throw new Error('baseline and v2 rankings differ');
  const commit = (await import('../shared/version.js')).codeVersion();
  const lines = [
    `baseline v1 class-mean query (json_remove per row)  ${baseline.ms.toFixed(0)} ms  1.00x`,
    `v2 class-mean ranking (rankPoints)                  ${mean.ms.toFixed(0)} ms  ${(mean.ms / baseline.ms).toFixed(2)}x`,
    `v2 best per class (fresh connection, window fn)     ${perClass.ms.toFixed(0)} ms  ${(perClass.ms / baseline.ms).toFixed(2)}x`,
    `v2 filtered ranking (wavelet=haar, pixel_auroc)     ${filtered.ms.toFixed(0)} ms  ${(filtered.ms / baseline.ms).toFixed(2)}x`,
    `full leaderboard (ranking + marginals + honest)     ${full.ms.toFixed(0)} ms  ${(full.ms / baseline.ms).toFixed(2)}x`,
  ];
  console.log(
    `${new Date().toISOString()} ${commit}: ${rows} final metric rows, ${mean.out.length} grid points, best of 3`,
  );
  for (const l of lines) console.log('  ' + l);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
