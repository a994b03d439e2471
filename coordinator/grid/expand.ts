/**
 * Expansion of one parsed stage into trials: the product of the axes in GRID_PARAMS order (a zip group takes
 * the place of its first member), per-backbone overrides applied to the axes after `backbone`, exclude rules
 * and conditions applied to every (point, class), classes innermost, duplicates (same trial key) dropped with
 * the first one kept. The order is deterministic; with the original scripts' axes it is
 * itertools.product(wavelet, level, subbands, sigma, cov_reg) with cov_reg fastest, then classes.
 */
import { BACKBONE_TAPS, type Backbone } from '../../shared/backbones.js';
import { canonicalParams, trialKey, type SyntheticSpec, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import { llSize, type DwtMode, type Wavelet } from '../../shared/wavelets.js';
import { checkStageSize, groupsOf } from './count.js';
import { fail, type Loc } from './located.js';
import { GRID_PARAMS, MAX_LEVEL, type GridParam } from '../../shared/params/catalogue.js';
import { DEFAULTS, type ParamValues } from './params.js';
import type { Located } from './located.js';
import { keepPoint } from './rules.js';
import type { StagePlan } from './stage.js';

export interface ExpandedStagePoints {
  name: string;
  /** distinct grid points that gave at least one new trial */
  points: number;
  trials: TrialSpec[];
}

const SYNTHETIC_DEFAULT: SyntheticSpec = { sleep_ms: 0, fail_rate: 0, seed: 0 };

/** The deepest level at which every hooked map of the backbone still has an LL band. */
export function maxLevel(backbone: Backbone, wavelet: Wavelet, mode: DwtMode): number {
  let j = 0;
  while (j < MAX_LEVEL && BACKBONE_TAPS[backbone].every((t) => llSize(t.size, wavelet, j + 1, mode) !== null)) j++;
  return j;
}

function checkLevel(v: ParamValues, levelLoc: Loc): void {
  for (const tap of BACKBONE_TAPS[v.backbone]) {
    if (llSize(tap.size, v.wavelet, v.level, v.mode) === null) {
      const max = maxLevel(v.backbone, v.wavelet, v.mode);
      fail(
        levelLoc,
        `level ${v.level} is too deep for ${v.backbone} with ${v.wavelet} (mode ${v.mode}): its ${tap.size}x${tap.size} map ` +
          `${tap.module} has no level-${v.level} LL band`,
        max === 1 ? 'level 1' : `level 1..${max}`,
      );
    }
  }
}

export function expandStage(plan: StagePlan): ExpandedStagePoints {
  const cur = {} as { [P in GridParam]: Located<ParamValues[P]> };
  const trials: TrialSpec[] = [];
  const seen = new Set<string>();
  let points = 0;
  checkStageSize(plan); // counted from the list lengths: an oversized grid is refused before anything is built
  const groups = groupsOf(plan);

  const axisFor = (p: GridParam): Located<unknown>[] => {
    const bb = (cur as Partial<typeof cur>).backbone?.value;
    const override =
      p === 'dataset' || p === 'backbone' || bb === undefined ? undefined : plan.perBackbone.get(bb)?.[p];
    const base = override ?? plan.axes[p];
    if (base) return base;
    if (p === 'dataset') throw new Error('unreachable: stage without dataset');
    return [{ value: DEFAULTS[p], loc: plan.loc }];
  };

  const emit = (): void => {
    const values = Object.fromEntries(GRID_PARAMS.map((p) => [p, cur[p].value])) as unknown as ParamValues;
    let kept = false;
    let added = false;
    for (const cls of values.dataset.classes) {
      if (!keepPoint({ values, cls }, plan.exclude, plan.conditions)) continue;
      if (!kept) checkLevel(values, cur.level.loc);
      kept = true;
      const params: TrialParams = canonicalParams({
        objective: values.objective,
        dataset: values.dataset.decl.kind,
        root: values.dataset.decl.root,
        class: cls,
        backbone: values.backbone,
        weights: values.weights,
        wavelet: values.wavelet,
        level: values.level,
        mode: values.mode,
        subbands: values.subbands,
        align: values.align,
        distance: values.distance,
        smoothing: values.smoothing,
        sigma: values.sigma,
        cov_reg: values.cov_reg,
        selection: values.selection,
        synthetic: values.objective === 'synthetic' ? (values.synthetic ?? SYNTHETIC_DEFAULT) : null,
      });
      const key = trialKey(params);
      if (seen.has(key)) continue;
      seen.add(key);
      trials.push({ key, stage: plan.name, params });
      added = true;
    }
    if (added) points++;
  };

  const setCur = (p: GridParam, v: Located<unknown>): void => {
    (cur as Record<GridParam, Located<unknown>>)[p] = v;
  };

  const rec = (gi: number): void => {
    if (gi === groups.length) return emit();
    const g = groups[gi];
    const lists = g.params.map(axisFor);
    const n = lists[0].length;
    if (lists.some((l) => l.length !== n)) {
      const sizes = g.params.map((p, i) => `${p} ${lists[i].length}`).join(', ');
      const b = (cur as Partial<typeof cur>).backbone?.value;
      const bb =
        b === undefined || plan.perBackbone.size === 0 || g.params.includes('backbone') ? '' : ` (backbone ${b})`;
      fail(g.loc ?? plan.loc, `zip group [${g.params.join(', ')}] has lists of different lengths: ${sizes}${bb}`);
    }
    for (let i = 0; i < n; i++) {
      g.params.forEach((p, k) => setCur(p, lists[k][i]));
      rec(gi + 1);
    }
  };
  rec(0);
  return { name: plan.name, points, trials };
}
