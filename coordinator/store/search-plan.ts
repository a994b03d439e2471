/**
 * The stored plan of a halving sweep (search_plans, search_points): written at submit, read by the
 * promotions. A sweep's halving spec is fixed once submitted (changing eta or the budget midway would
 * make the stored rungs meaningless); re-submitting adds only new points.
 */
import { UserError } from '../../shared/errors.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { trialsAtRung } from '../search/halving.js';
import type { HalvingPlan, HalvingSearch, PlannedPoint } from '../search/spec.js';
import type { Db } from './db.js';

/** Store the plan; returns rung 0's trial keys with the id of their point. */
export function storeHalvingPlan(db: Db, sweepId: number, plan: HalvingPlan, sourcePath: string): Map<string, number> {
  const json = JSON.stringify(plan.spec);
  const stored = db.prepare('SELECT spec_json FROM search_plans WHERE sweep_id = ?').pluck().get(sweepId) as
    string | undefined;
  if (stored === undefined)
    db.prepare('INSERT INTO search_plans (sweep_id, spec_json) VALUES (?, ?)').run(sweepId, json);
  else if (stored !== json)
    throw new UserError(
      `the halving search of this sweep is fixed once submitted (stored: ${stored}); submit the change under a new sweep name`,
      {
        file: sourcePath || undefined,
      },
    );
  const ins = db.prepare(
    'INSERT OR IGNORE INTO search_points (sweep_id, point_key, stage, params_json, classes_json) VALUES (?, ?, ?, ?, ?)',
  );
  const idOf = db.prepare('SELECT id FROM search_points WHERE sweep_id = ? AND point_key = ?').pluck();
  const out = new Map<string, number>();
  for (const p of plan.points) {
    ins.run(sweepId, p.key, p.stage, JSON.stringify(p.params), JSON.stringify(p.classes));
    const id = idOf.get(sweepId, p.key) as number;
    for (const params of trialsAtRung(plan.spec, p, 0)) out.set(trialKey(params), id);
  }
  return out;
}

/** The halving spec of a sweep, or null for other searches. */
export function halvingSpec(db: Db, sweepId: number): HalvingSearch | null {
  const json = db.prepare('SELECT spec_json FROM search_plans WHERE sweep_id = ?').pluck().get(sweepId) as
    string | undefined;
  return json === undefined ? null : (JSON.parse(json) as HalvingSearch);
}

export interface StoredPoint extends PlannedPoint {
  id: number;
  sweepId: number;
  rung: number;
}

interface PointRow {
  id: number;
  sweep_id: number;
  point_key: string;
  stage: string;
  params_json: string;
  classes_json: string;
  rung: number;
}

export function storedPoint(db: Db, pointId: number): StoredPoint {
  const r = db.prepare('SELECT * FROM search_points WHERE id = ?').get(pointId) as PointRow;
  return {
    id: r.id,
    sweepId: r.sweep_id,
    key: r.point_key,
    stage: r.stage,
    params: JSON.parse(r.params_json) as TrialParams,
    classes: JSON.parse(r.classes_json) as string[],
    rung: r.rung,
  };
}
