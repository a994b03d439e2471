/** Sweep look-ups shared by the store and its read API: a sweep's id by name, and its trials' counts by status. */
import { UserError } from '../../../shared/errors.js';
import type { Db } from '../db.js';
import { TRIAL_STATUSES, type TrialStatus } from '../types.js';

export function sweepIdByName(db: Db, name: string): number {
  const row = db.prepare('SELECT id FROM sweeps WHERE name = ?').get(name) as { id: number } | undefined;
  if (row) return row.id;
  const names = (db.prepare('SELECT name FROM sweeps ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  throw new UserError(
    `no sweep named ${JSON.stringify(name)}; known sweeps: ${names.length ? names.join(', ') : '(none: submit one first)'}`,
  );
}

export function statusCountsById(db: Db, sweepId: number): Record<TrialStatus, number> {
  const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
  const rows = db
    .prepare('SELECT status, count(*) AS n FROM trials WHERE sweep_id = ? GROUP BY status')
    .all(sweepId) as {
    status: TrialStatus;
    n: number;
  }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
