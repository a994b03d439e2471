/**
 * Submit a sweep: insert the trials the store does not hold yet, in one transaction. Re-submitting the
 * same sweep adds nothing; an edited grid adds only its new points and keeps the finished ones.
 */
import { canonicalJson, dwtKey, featureKey, trialKey } from '../../shared/trial.js';
import { UserError } from '../../shared/errors.js';
import type { Db } from './db.js';
import type { SubmitResult, SubmittableSweep } from './types.js';

interface SweepRow {
  id: number;
  source_hash: string;
}

function checkSweep(sweep: SubmittableSweep): void {
  const where = { file: sweep.sourcePath || undefined };
  if (!sweep.name || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(sweep.name))
    throw new UserError(`sweep name ${JSON.stringify(sweep.name)} is not valid (use letters, digits, '.', '_', '-')`, where);
  if (!Number.isInteger(sweep.maxAttempts) || sweep.maxAttempts < 1)
    throw new UserError(`max_attempts must be an integer >= 1, got ${sweep.maxAttempts}`, where);
  for (const t of sweep.trials) {
    const k = trialKey(t.params);
    if (t.key !== k) throw new UserError(`trial key ${t.key} does not match its parameters (expected ${k}); was the sweep expanded by another version?`, where);
  }
}

export function submitSweep(db: Db, sweep: SubmittableSweep, opts: { dryRun?: boolean; now?: number } = {}): SubmitResult {
  checkSweep(sweep);
  const now = opts.now ?? Date.now();
  const run = (): SubmitResult => {
    const found = db.prepare('SELECT id, source_hash FROM sweeps WHERE name = ?').get(sweep.name) as SweepRow | undefined;
    let sweepId: number;
    if (found) {
      sweepId = found.id;
    } else {
      const info = db
        .prepare('INSERT INTO sweeps (name, source_path, source_yaml, source_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(sweep.name, sweep.sourcePath, sweep.sourceYaml, sweep.sourceHash, now, now);
      sweepId = Number(info.lastInsertRowid);
    }
    const sourceChanged = found !== undefined && found.source_hash !== sweep.sourceHash;
    if (sourceChanged) {
      db.prepare('UPDATE sweeps SET source_path = ?, source_yaml = ?, source_hash = ?, updated_at = ? WHERE id = ?').run(
        sweep.sourcePath,
        sweep.sourceYaml,
        sweep.sourceHash,
        now,
        sweepId,
      );
    }
    const insert = db.prepare(
      `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, max_attempts, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sweep_id, key) DO NOTHING`,
    );
    const addedKeys: string[] = [];
    const seen = new Set<string>();
    let existing = 0;
    for (const t of sweep.trials) {
      if (seen.has(t.key)) continue; // the same point listed twice in one grid is one trial
      seen.add(t.key);
      const p = t.params;
      const info = insert.run(sweepId, t.key, t.stage, p.class, p.objective, canonicalJson(p), featureKey(p), dwtKey(p), sweep.maxAttempts, now);
      if (info.changes === 1) addedKeys.push(t.key);
      else existing++;
    }
    const total = (db.prepare('SELECT count(*) AS n FROM trials WHERE sweep_id = ?').get(sweepId) as { n: number }).n;
    return { sweepId, added: addedKeys.length, existing, total, addedKeys, created: !found, sourceChanged };
  };
  if (!opts.dryRun) return db.transaction(run).immediate();
  // Dry run: do the same work inside a transaction that is always rolled back.
  let result: SubmitResult | undefined;
  const rollback = new Error('dry-run rollback');
  try {
    db.transaction(() => {
      result = run();
      throw rollback;
    }).immediate();
  } catch (err) {
    if (err !== rollback) throw err;
  }
  if (!result) throw new Error('dry run produced no result');
  return result;
}
