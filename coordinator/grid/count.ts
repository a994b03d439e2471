/**
 * The size of a stage's grid, counted from the list lengths before anything is built, so an oversized grid
 * is refused at once, naming the fields that multiply (10^4 x 10^4 points used to be refused only after
 * 2M trials had been built: 43 s, 1 GB). Zip groups count once; per-backbone lists count for their
 * backbone; exclude rules and conditions are not applied (the count is an upper bound).
 */
import type { Backbone } from '../../shared/backbones.js';
import { fail, type Loc } from './located.js';
import { GRID_PARAMS, type GridParam } from '../../shared/params/catalogue.js';
import { DEFAULTS } from './params.js';
import type { StagePlan } from './stage.js';

/** Grid points a stage may declare (the product of its lists, before exclude and conditions). */
export const MAX_GRID_POINTS = 1_000_000;
/** Trials a stage may declare (points times classes, before exclude and conditions). */
export const MAX_STAGE_TRIALS = 2_000_000;

export interface Group {
  params: GridParam[];
  loc: Loc | null;
}

/** The loops of the expansion: one per parameter, a zip group in place of its first member. */
export function groupsOf(plan: StagePlan): Group[] {
  const groups: Group[] = [];
  for (const p of GRID_PARAMS) {
    const z = plan.zips.find((g) => g.params.includes(p));
    if (!z) groups.push({ params: [p], loc: null });
    else if (GRID_PARAMS.indexOf(p) === Math.min(...z.params.map((q) => GRID_PARAMS.indexOf(q)))) groups.push(z);
  }
  return groups;
}

export interface StageSize {
  points: number;
  trials: number;
  /** the factors of the largest backbone's count, e.g. "sigma: 10,000 × cov_reg: 10,000" */
  factors: string;
  /** where the longest of those lists starts */
  loc: Loc;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function list(plan: StagePlan, p: GridParam, bb: Backbone | undefined): { loc: Loc }[] | undefined {
  const override = p === 'dataset' || p === 'backbone' || bb === undefined ? undefined : plan.perBackbone.get(bb)?.[p];
  return override ?? plan.axes[p];
}

function listLength(plan: StagePlan, p: GridParam, bb: Backbone | undefined): number {
  return list(plan, p, bb)?.length ?? 1;
}

/** Upper bounds on the stage's points and trials; cost O(backbones x parameters). */
export function stageSize(plan: StagePlan): StageSize {
  const groups = groupsOf(plan);
  const gD = groups.find((g) => g.params.includes('dataset')) as Group;
  const gB = groups.find((g) => g.params.includes('backbone')) as Group;
  const size = (g: Group, bb: Backbone | undefined): number =>
    Math.max(...g.params.map((p) => listLength(plan, p, bb)));
  const rest = groups.filter((g) => g !== gD && g !== gB);
  const restSize = (bb: Backbone): number => rest.reduce((acc, g) => acc * size(g, bb), 1);
  const datasets = plan.axes.dataset ?? [];
  const backbones = (plan.axes.backbone ?? [{ value: DEFAULTS.backbone }]).map((x) => x.value);
  let points = 0;
  let trials = 0;
  if (gD === gB) {
    const n = size(gD, undefined);
    for (let i = 0; i < n; i++) {
      const r = restSize(backbones[i % backbones.length]);
      points += r;
      trials += r * (datasets[i % datasets.length]?.value.classes.length ?? 0);
    }
  } else {
    const perBackbone = size(gB, undefined) / backbones.length; // partners zipped with backbone count once
    const s = backbones.reduce((acc, b) => acc + restSize(b) * perBackbone, 0);
    const nD = size(gD, undefined);
    const classes = datasets.reduce((acc, d) => acc + d.value.classes.length, 0) * (nD / Math.max(1, datasets.length));
    points = nD * s;
    trials = classes * s;
  }
  const worst = backbones.reduce((a, b) => (restSize(b) > restSize(a) ? b : a), backbones[0]);
  const sized = [gD, gB, ...rest]
    .filter((g, i, all) => all.indexOf(g) === i)
    .map((g) => {
      const bb = g === gD || g === gB ? undefined : worst;
      return { name: g.params.join('+'), n: size(g, bb), loc: list(plan, g.params[0], bb)?.[0]?.loc ?? plan.loc };
    })
    .filter((x) => x.n > 1);
  const parts = sized.map((x) => `${x.name}: ${fmt(x.n)}`);
  const longest = sized.reduce<(typeof sized)[number] | null>((a, x) => (a === null || x.n > a.n ? x : a), null);
  const factors =
    (parts.length ? parts.join(' × ') : 'one point') +
    (plan.perBackbone.size > 0 && backbones.length > 1 ? `, for backbone ${worst}` : '');
  return { points, trials, factors, loc: longest?.loc ?? plan.loc };
}

/** Refuse a stage whose grid is over the limits, before any trial is built. */
export function checkStageSize(plan: StagePlan): StageSize {
  const s = stageSize(plan);
  const where = `stage "${plan.name}"`;
  if (s.points > MAX_GRID_POINTS) {
    fail(
      s.loc,
      `${where} grid has ${fmt(s.points)} points (${s.factors}), over the limit of ${fmt(MAX_GRID_POINTS)}: split it into stages or sweeps`,
    );
  }
  if (s.trials > MAX_STAGE_TRIALS) {
    const classes = (plan.axes.dataset ?? []).map((d) => d.value.classes.length).join(' + ');
    fail(
      s.loc,
      `${where} grid has ${fmt(s.points)} points × classes = ${fmt(s.trials)} trials (${s.factors}; classes: ${classes}), ` +
        `over the limit of ${fmt(MAX_STAGE_TRIALS)}: split it into stages or sweeps`,
    );
  }
  return s;
}
