/**
 * Halving promotions, run by the store inside the transaction that settles a trial (complete, or failed
 * for good): when the trial's point has settled its rung, its rung score is recorded, and the policy
 * (coordinator/search/halving.ts) decides which points of that rung move up. A promotion is a
 * `promotions` row (UNIQUE per sweep, point, rung) and the next rung's trials, created through the
 * transition table; the row is inserted first and the trials only when it is new, so evaluating the
 * policy again (a restart, `reconcile`) never promotes twice. The result and the promotions it allows
 * commit together, or not at all. A failed trial put back by resume reopens its point's rung (`reopened`).
 */
import { dwtKey, featureKey, canonicalJson, trialKey } from '../../shared/trial.js';
import { pointsToPromote, trialsAtRung, type RungResult } from '../search/halving.js';
import type { HalvingSearch } from '../search/spec.js';
import type { Db } from './db.js';
import { halvingSpec, storedPoint } from './search-plan.js';
import type { Transitions } from './transitions.js';

export type Promoter = ReturnType<typeof promoter>;

interface RungState {
  n: number;
  active: number;
  bad: number;
  score: number | null;
}

export function promoter(db: Db, tr: Transitions) {
  const s = {
    link: db.prepare('SELECT sweep_id, search_point, rung FROM trials WHERE id = ?'),
    // classes budgets are cumulative (rung <= r), step budgets are not (rung = r)
    state: (cumulative: boolean) =>
      db.prepare(
        `SELECT count(*) AS n, sum(t.status IN ('pending', 'leased', 'running')) AS active, sum(t.status IN ('failed', 'cancelled')) AS bad,
           avg(m.value) AS score
         FROM trials t LEFT JOIN metrics m ON m.trial_id = t.id AND m.name = ? AND m.final = 1
         WHERE t.search_point = ? AND t.rung ${cumulative ? '<=' : '='} ?`,
      ),
    insScore: db.prepare(
      'INSERT OR IGNORE INTO rung_scores (sweep_id, point_id, rung, score, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    results: db.prepare('SELECT point_id AS pointId, score FROM rung_scores WHERE sweep_id = ? AND rung = ?'),
    entered: db.prepare('SELECT count(*) FROM search_points WHERE sweep_id = ? AND rung >= ?').pluck(),
    promoted: db.prepare('SELECT point_id FROM promotions WHERE sweep_id = ? AND rung = ?').pluck(),
    insPromotion: db.prepare(
      'INSERT OR IGNORE INTO promotions (sweep_id, point_id, rung, created_at) VALUES (?, ?, ?, ?)',
    ),
    setRung: db.prepare('UPDATE search_points SET rung = ? WHERE id = ? AND rung < ?'),
    maxAttempts: db.prepare('SELECT max_attempts FROM trials WHERE search_point = ? ORDER BY id LIMIT 1').pluck(),
    unscored: db.prepare(
      `SELECT DISTINCT t.sweep_id, t.search_point, t.rung FROM trials t
       WHERE t.search_point IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rung_scores r WHERE r.point_id = t.search_point AND r.rung = t.rung)`,
    ),
    scoredRungs: db.prepare('SELECT DISTINCT sweep_id, rung FROM rung_scores ORDER BY sweep_id, rung'),
    // a failed rung (score NULL) from the trial's rung on: the point's result there is open again
    forgetFailed: db.prepare(
      `DELETE FROM rung_scores WHERE score IS NULL AND (point_id, rung) IN (
         SELECT r.point_id, r.rung FROM rung_scores r JOIN trials t ON t.search_point = r.point_id AND r.rung >= t.rung
         WHERE t.id = ?)`,
    ),
  };
  const stateCum = s.state(true);
  const stateStep = s.state(false);

  /** Record the point's score at `rung` if every trial of the rung has settled; true when recorded now. */
  function score(spec: HalvingSearch, sweepId: number, pointId: number, rung: number, now: number): boolean {
    const st = (spec.budget === 'classes' ? stateCum : stateStep).get(spec.metric, pointId, rung) as RungState;
    if (st.n === 0 || st.active > 0) return false;
    return s.insScore.run(sweepId, pointId, rung, st.bad > 0 ? null : st.score, now).changes === 1;
  }

  /** Promote what the policy allows at `rung` now; returns the trials created. */
  function evaluate(spec: HalvingSearch, sweepId: number, rung: number, now: number): number {
    const results = s.results.all(sweepId, rung) as RungResult[];
    const entered = s.entered.get(sweepId, rung) as number;
    const promoted = new Set(s.promoted.all(sweepId, rung + 1) as number[]);
    let created = 0;
    for (const pointId of pointsToPromote(spec, results, entered, promoted)) {
      const point = storedPoint(db, pointId);
      const next = trialsAtRung(spec, point, rung + 1);
      if (next.length === 0) continue; // already at its last rung
      if (s.insPromotion.run(sweepId, pointId, rung + 1, now).changes !== 1) continue; // promoted before: exactly once
      s.setRung.run(rung + 1, pointId, rung + 1);
      const maxAttempts = s.maxAttempts.get(pointId) as number;
      for (const p of next) {
        const id = tr.create(
          {
            sweepId,
            key: trialKey(p),
            stage: point.stage,
            class: p.class,
            objective: p.objective,
            paramsJson: canonicalJson(p),
            featureKey: featureKey(p),
            dwtKey: dwtKey(p),
            maxAttempts,
            searchPoint: pointId,
            rung: rung + 1,
          },
          now,
        );
        if (id !== null) created++;
      }
    }
    return created;
  }

  return {
    /**
     * A trial that failed (or was cancelled) goes back to pending (resume): its point's failed rung score is
     * forgotten, so the rung settles again on the re-run's result and the policy ranks it like any other.
     */
    reopened(trialId: number): void {
      s.forgetFailed.run(trialId);
    },

    /** A trial has just settled (done, or failed for good): score its point's rung, promote what that allows. */
    settled(trialId: number, now: number): number {
      const t = s.link.get(trialId) as
        { sweep_id: number; search_point: number | null; rung: number | null } | undefined;
      if (!t || t.search_point === null || t.rung === null) return 0;
      const spec = halvingSpec(db, t.sweep_id);
      if (!spec || !score(spec, t.sweep_id, t.search_point, t.rung, now)) return 0;
      return evaluate(spec, t.sweep_id, t.rung, now);
    },

    /**
     * Bring every halving sweep up to date with its results: score the settled rungs that have no score,
     * then evaluate every scored rung. Idempotent (a second call creates nothing); run when the store opens.
     */
    reconcile(now: number): number {
      for (const u of s.unscored.all() as { sweep_id: number; search_point: number; rung: number }[]) {
        const spec = halvingSpec(db, u.sweep_id);
        if (spec) score(spec, u.sweep_id, u.search_point, u.rung, now);
      }
      let created = 0;
      for (const r of s.scoredRungs.all() as { sweep_id: number; rung: number }[]) {
        const spec = halvingSpec(db, r.sweep_id);
        if (spec) created += evaluate(spec, r.sweep_id, r.rung, now);
      }
      return created;
    },
  };
}
