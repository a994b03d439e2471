/**
 * Apply a sweep's search to its expanded trials. grid: every trial. random: the trials of n points chosen
 * by a seeded order of the grid points (finite spaces) or by a seeded stream of draws when some axis is
 * continuous. halving: rung 0's trials, plus the plan (every point with its classes in budget order) that
 * the store keeps to create later rungs.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, trialKey, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import { budgetClassOrder, trialsAtRung } from './halving.js';
import { sampleStream, seededOrder, type SearchAxis } from './sample.js';
import type { HalvingPlan, PlannedPoint, RandomSearch, SearchSpec } from './spec.js';

export interface SearchedTrials {
  trials: TrialSpec[];
  /** distinct points kept */
  points: number;
  halving: HalvingPlan | null;
}

/** A continuous axis of a random search: the grid holds one placeholder value, each sample draws its own. */
export interface ContinuousAxis {
  param: string;
  low: number;
  high: number;
  log: boolean;
}

/** The point of a trial: its params without class and a command's step budget (the same point at every rung). */
export function pointKeyOf(p: TrialParams): string {
  const { class: _c, ...rest } = p;
  if (rest.command?.budget !== undefined) {
    const { budget: _b, ...command } = rest.command;
    rest.command = command;
  }
  return createHash('sha256')
    .update(canonicalJson(rest as TrialParams))
    .digest('hex')
    .slice(0, 24);
}

interface Point {
  key: string;
  trials: TrialSpec[];
}

function groupPoints(trials: readonly TrialSpec[]): Point[] {
  const byKey = new Map<string, Point>();
  for (const t of trials) {
    const k = pointKeyOf(t.params);
    let p = byKey.get(k);
    if (!p) byKey.set(k, (p = { key: k, trials: [] }));
    p.trials.push(t);
  }
  return [...byKey.values()];
}

function randomTrials(spec: RandomSearch, points: Point[], continuous: readonly ContinuousAxis[]): Point[] {
  if (continuous.length === 0) return seededOrder(points, (p) => p.key, spec.seed).slice(0, spec.n);
  const axes: SearchAxis[] = [
    { name: '#point', domain: { kind: 'values', values: points.map((_, i) => i) } },
    ...continuous.map((c) => ({
      name: c.param,
      domain: { kind: 'uniform' as const, low: c.low, high: c.high, log: c.log, integer: false },
    })),
  ];
  return sampleStream(axes, spec.n, spec.seed, (draw) => {
    const base = points[draw['#point'] as number];
    const trials = base.trials.map((t) => {
      const params = { ...t.params } as Record<string, unknown>;
      for (const c of continuous) params[c.param] = draw[c.param];
      return { ...t, key: trialKey(params as unknown as TrialParams), params: params as unknown as TrialParams };
    });
    const key = pointKeyOf(trials[0].params);
    return { key, item: { key, trials } };
  });
}

export function applySearch(
  spec: SearchSpec,
  trials: readonly TrialSpec[],
  continuous: readonly ContinuousAxis[] = [],
): SearchedTrials {
  const points = groupPoints(trials);
  if (spec.kind === 'grid') return { trials: [...trials], points: points.length, halving: null };
  if (spec.kind === 'random') {
    const chosen = randomTrials(spec, points, continuous);
    return { trials: chosen.flatMap((p) => p.trials), points: chosen.length, halving: null };
  }
  const planned: PlannedPoint[] = points.map((p) => ({
    key: p.key,
    stage: p.trials[0].stage,
    params: p.trials[0].params,
    classes: budgetClassOrder(
      p.trials.map((t) => t.params.class),
      spec.seed,
    ),
  }));
  const rung0 = planned.flatMap((p) =>
    trialsAtRung(spec, p, 0).map((params) => ({ key: trialKey(params), stage: p.stage, params })),
  );
  return { trials: rung0, points: planned.length, halving: { spec, points: planned } };
}
