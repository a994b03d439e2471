/** Which random-init weights a sweep's trials use, so every report can warn loudly about them. */
import { randomWeightsBanner } from '../../shared/weights-notice.js';
import type { Db } from '../store/db.js';
import { sweepIdByName } from '../store/index.js';

/** Distinct random weights specs ("random:SEED") of the sweep's trials, sorted; empty when none. */
export function randomWeightsOf(db: Db, sweep: string): string[] {
  const id = sweepIdByName(db, sweep);
  const rows = db
    .prepare(
      `SELECT DISTINCT json_extract(params_json, '$.weights') AS w FROM trials
       WHERE sweep_id = ? AND json_extract(params_json, '$.weights') LIKE 'random:%' ORDER BY w`,
    )
    .all(id) as { w: string }[];
  return rows.map((r) => r.w);
}

/** The banner for human output, or '' when the sweep uses no random weights. */
export function weightsBannerFor(db: Db, sweep: string): string {
  const specs = randomWeightsOf(db, sweep);
  return specs.length ? randomWeightsBanner(specs) : '';
}
