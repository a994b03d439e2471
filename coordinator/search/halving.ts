/**
 * Successive halving and ASHA as pure functions: the rung budgets, the trials of a point at a rung, and
 * which points of a rung to promote given the rung's settled results. Deterministic given its inputs; the
 * store (coordinator/store/promotions.ts) runs it inside the transaction that records a result, and the
 * halving bench replays it on recorded results.
 */
import { createHash } from 'node:crypto';
import type { TrialParams } from '../../shared/trial.js';
import type { HalvingSearch, PlannedPoint } from './spec.js';

/** Budgets of the rungs: min, min*eta, min*eta^2, ... capped at (and ending with) max. */
export function rungBudgets(min: number, max: number, eta: number): number[] {
  const out = [Math.min(min, max)];
  while (out[out.length - 1] < max) out.push(Math.min(max, out[out.length - 1] * eta));
  return out;
}

/** The budgets of one point (with budget: classes, max defaults to its number of classes). */
export function pointBudgets(spec: HalvingSearch, point: Pick<PlannedPoint, 'classes'>): number[] {
  const max =
    spec.budget === 'classes'
      ? Math.min(spec.maxBudget ?? point.classes.length, point.classes.length)
      : (spec.maxBudget ?? spec.minBudget);
  return rungBudgets(spec.minBudget, max, spec.eta);
}

/** The classes in budget order: a seeded order that is the same for every point of the sweep. */
export function budgetClassOrder(classes: readonly string[], seed: number): string[] {
  const h = (c: string): string => createHash('sha256').update(`${seed}:${c}`).digest('hex');
  return [...classes].sort((a, b) => (h(a) < h(b) ? -1 : h(a) > h(b) ? 1 : 0));
}

/** A command trial's params at a step budget: `command.budget`, passed to the program as `{budget}` and in its params. */
export function withBudget(params: TrialParams, budget: number): TrialParams {
  if (!params.command) throw new Error(`budget: steps needs a command trial (objective ${params.objective})`);
  return { ...params, command: { ...params.command, budget } };
}

/**
 * The trials a point adds at `rung`: with budget classes, the classes between the previous rung's budget
 * and this one's (a point's score at rung r is its mean over all its classes so far); with budget steps,
 * every class again at this rung's step count.
 */
export function trialsAtRung(spec: HalvingSearch, point: PlannedPoint, rung: number): TrialParams[] {
  const b = pointBudgets(spec, point);
  if (rung < 0 || rung >= b.length) return [];
  if (spec.budget === 'classes')
    return point.classes.slice(rung === 0 ? 0 : b[rung - 1], b[rung]).map((c) => ({ ...point.params, class: c }));
  return point.classes.map((c) => withBudget({ ...point.params, class: c }, b[rung]));
}

/** One point's settled result at a rung: its score, or null when a trial of the rung failed. */
export interface RungResult {
  pointId: number;
  score: number | null;
}

/**
 * The points of a rung to promote now. ASHA (async): the top floor(k/eta) of the k settled results,
 * promoted as soon as they are there. Sync: nothing until every point that entered the rung is settled,
 * then the top max(1, floor(n/eta)). Failed points rank last and are never promoted; ties go to the lower
 * point id (expansion order). Points already promoted are left out.
 */
export function pointsToPromote(
  spec: HalvingSearch,
  results: readonly RungResult[],
  entered: number,
  promoted: ReadonlySet<number>,
): number[] {
  if (spec.mode === 'sync' && results.length < entered) return [];
  const k = spec.mode === 'sync' ? Math.max(1, Math.floor(entered / spec.eta)) : Math.floor(results.length / spec.eta);
  const sign = spec.order === 'desc' ? -1 : 1;
  const ranked = results
    .filter((r): r is { pointId: number; score: number } => r.score !== null)
    .sort((a, b) => sign * (a.score - b.score) || a.pointId - b.pointId);
  return ranked
    .slice(0, k)
    .map((r) => r.pointId)
    .filter((id) => !promoted.has(id));
}
