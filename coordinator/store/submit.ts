/**
 * Submit a sweep: insert the trials the store does not hold yet, in one transaction. Re-submitting the
 * same sweep adds nothing; an edited grid adds only its new points and keeps the finished ones.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, dwtKey, featureKey } from '../../shared/trial.js';
import { isValidName, NAME_RULE } from '../../shared/names.js';
import { quoted } from '../../shared/printable.js';
import { UserError } from '../../shared/errors.js';
import type { Db } from './db.js';
import type { SubmitResult, SubmittableSweep } from './types.js';
import { storeHalvingPlan } from './search-plan.js';
import { rootMoves } from './root-moves.js';

interface SweepRow {
  id: number;
  source_hash: string;
}

export interface SubmitOptions {
  dryRun?: boolean;
  now?: number;
  /** called every few thousand trials and at the end (submitting 100k trials takes seconds) */
  onProgress?: (done: number, total: number) => void;
}

function checkSweep(sweep: SubmittableSweep): void {
  const where = { file: sweep.sourcePath || undefined };
  if (!isValidName(sweep.name))
    throw new UserError(`sweep name ${quoted(sweep.name)} is not valid (use ${NAME_RULE})`, where);
  if (!Number.isInteger(sweep.maxAttempts) || sweep.maxAttempts < 1)
    throw new UserError(`max_attempts must be an integer >= 1, got ${sweep.maxAttempts}`, where);
}

/** trialKey() from the canonical JSON already at hand (same definition: sha256, first 24 hex digits). */
const keyOfCanonical = (json: string): string => createHash('sha256').update(json).digest('hex').slice(0, 24);

export function submitSweep(db: Db, sweep: SubmittableSweep, opts: SubmitOptions = {}): SubmitResult {
  checkSweep(sweep);
  const now = opts.now ?? Date.now();
  const run = (): SubmitResult => {
    const found = db.prepare('SELECT id, source_hash FROM sweeps WHERE name = ?').get(sweep.name) as
      SweepRow | undefined;
    let sweepId: number;
    if (found) {
      sweepId = found.id;
    } else {
      const info = db
        .prepare(
          'INSERT INTO sweeps (name, source_path, source_yaml, source_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(sweep.name, sweep.sourcePath, sweep.sourceYaml, sweep.sourceHash, now, now);
      sweepId = Number(info.lastInsertRowid);
    }
    const sourceChanged = found !== undefined && found.source_hash !== sweep.sourceHash;
    if (sourceChanged) {
      db.prepare(
        'UPDATE sweeps SET source_path = ?, source_yaml = ?, source_hash = ?, updated_at = ? WHERE id = ?',
      ).run(sweep.sourcePath, sweep.sourceYaml, sweep.sourceHash, now, sweepId);
    }
    const insert = db.prepare(
      `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, max_attempts, created_at, search_point, rung)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // a halving sweep: its plan and points first; each rung-0 trial is tied to its point
    const rung0 = sweep.halving
      ? storeHalvingPlan(db, sweepId, sweep.halving, sweep.sourcePath)
      : new Map<string, number>();
    const stored = new Set(db.prepare('SELECT key FROM trials WHERE sweep_id = ?').pluck().all(sweepId) as string[]);
    const addedKeys: string[] = [];
    const added: SubmittableSweep['trials'][number][] = [];
    const seen = new Set<string>();
    let existing = 0;
    const n = sweep.trials.length;
    sweep.trials.forEach((t, i) => {
      if (opts.onProgress && i % 5000 === 0) opts.onProgress(i, n);
      if (seen.has(t.key)) return; // the same point listed twice in one grid is one trial
      seen.add(t.key);
      if (stored.has(t.key)) {
        existing++;
        return;
      }
      const p = t.params;
      const json = canonicalJson(p);
      const k = keyOfCanonical(json);
      if (t.key !== k)
        throw new UserError(
          `trial key ${t.key} does not match its parameters (expected ${k}); was the sweep expanded by another version?`,
          {
            file: sweep.sourcePath || undefined,
          },
        );
      const point = rung0.get(t.key);
      insert.run(
        sweepId,
        t.key,
        t.stage,
        p.class,
        p.objective,
        json,
        featureKey(p),
        dwtKey(p),
        sweep.maxAttempts,
        now,
        point ?? null,
        point === undefined ? null : 0,
      );
      addedKeys.push(t.key);
      added.push(t);
    });
    opts.onProgress?.(n, n);
    const total = (db.prepare('SELECT count(*) AS n FROM trials WHERE sweep_id = ?').get(sweepId) as { n: number }).n;
    const moves = found ? rootMoves(db, sweepId, added) : [];
    return {
      sweepId,
      added: addedKeys.length,
      existing,
      total,
      addedKeys,
      created: !found,
      sourceChanged,
      rootMoves: moves,
    };
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
