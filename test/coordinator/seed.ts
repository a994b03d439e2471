/** Test helper: insert a sweep and trials straight into the schema (independent of the grid and submit code). */
import { openDatabase, type Db } from '../../coordinator/store/db.js';

export interface SeedTrial {
  key: string;
  featureKey: string;
  dwtKey?: string;
  maxAttempts?: number;
  objective?: string;
}

export function seedSweep(db: Db, name: string, trials: readonly SeedTrial[], now = 1_000): number {
  const sweepId = Number(
    db
      .prepare(
        'INSERT INTO sweeps (name, source_path, source_yaml, source_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(name, `${name}.yaml`, 'x: 1', 'h', now, now).lastInsertRowid,
  );
  const ins = db.prepare(
    `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, max_attempts, created_at)
     VALUES (?, ?, 'main', 'bottle', ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of trials)
    ins.run(
      sweepId,
      t.key,
      t.objective ?? 'synthetic',
      JSON.stringify({ key: t.key }),
      t.featureKey,
      t.dwtKey ?? 'd0',
      t.maxAttempts ?? 3,
      now,
    );
  return sweepId;
}

export function memoryDb(): Db {
  return openDatabase(':memory:');
}

export function trialRow(
  db: Db,
  key: string,
): { status: string; attempts: number; fencing_token: number; lease_id: string | null; error: string | null } {
  return db
    .prepare('SELECT status, attempts, fencing_token, lease_id, error FROM trials WHERE key = ?')
    .get(key) as ReturnType<typeof trialRow>;
}

export const RESULT = {
  metrics: { image_auroc: 0.93, pixel_auroc: 0.97 },
  artifacts: [{ kind: 'trial-json', path: '/tmp/a/trial.json' }],
  provenance: {
    code_version: '0.1.0',
    backend: 'synthetic',
    device: 'cpu',
    weights: 'random-init seed 0',
    dataset_root: '/data',
    class: 'bottle',
  },
};
