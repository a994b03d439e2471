/**
 * The trial parameter catalogue: every parameter of a trial, its kind, its allowed values and checks, in the
 * grid's loop order. The one home the grid (YAML axes, exclude/conditions rules), the reports (--where filters,
 * display order, export columns) and the worker (params off the wire, trial-params.ts) derive from.
 */
import { BACKBONES } from '../backbones.js';
import { DATASET_KINDS } from '../datasets.js';
import { DWT_MODES, WAVELETS } from '../wavelets.js';

export const OBJECTIVES = ['wepadim', 'synthetic', 'command'] as const;
/** Objectives a grid axis may name (`command` is a kind of sweep file: `objective: command` at its top). */
export const GRID_OBJECTIVES = ['wepadim', 'synthetic'] as const;
export const ALIGNS = ['down', 'up'] as const;
export const DISTANCES = ['squared', 'sqrt'] as const;
export const SMOOTHINGS = ['reference', 'gaussian'] as const;

/** Upper bound on the DWT level (some wavelet/size pairs never shrink below 2, so depth alone cannot bound it). */
export const MAX_LEVEL = 16;

/** A number check: null when `v` is allowed, else what is wrong with it. */
export type NumberCheck = (v: number) => string | null;

const integerAtLeast0 =
  (name: string): NumberCheck =>
  (v) =>
    Number.isSafeInteger(v) && v >= 0 ? null : `${name} must be an integer >= 0, got ${v}`;

export const WEIGHTS_ALLOWED = 'random:SEED, imagenet, sha256:<64 hex digits, or a unique prefix of 12 or more>';

/**
 * `random:SEED`, `imagenet` or `sha256:<hex>` (an imported weights file): the full 64 digits, or a prefix of
 * at least 12 (what `weights list` shows), which submit resolves to the full id before storing.
 */
export function isWeightsSpec(v: string): boolean {
  return v === 'imagenet' || /^random:\d{1,15}$/.test(v) || /^sha256:[0-9a-f]{12,64}$/.test(v);
}

export type ParamKind = 'enum' | 'string' | 'weights' | 'number' | 'subbands' | 'object' | 'command';

export interface ParamSpec {
  readonly kind: ParamKind;
  /** enum: the allowed values */
  readonly values?: readonly string[];
  /** number: its range */
  readonly check?: NumberCheck;
  /** object (or null): its fields, every one a number with its check */
  readonly fields?: Readonly<Record<string, NumberCheck>>;
  /** an axis of a grid (a key of `grid:`); root and class come with the dataset axis */
  readonly axis: boolean;
  /** a sweep's exclude/conditions rules can test it */
  readonly rule: boolean;
  /** always a column of `wepadim export` (the original tool's grid columns) */
  readonly core: boolean;
  /** may be absent from a trial (absent keeps the trial keys of sweeps that never set it) */
  readonly optional?: boolean;
}

export const TRIAL_PARAMS = {
  dataset: { kind: 'enum', values: DATASET_KINDS, axis: true, rule: true, core: false },
  root: { kind: 'string', axis: false, rule: false, core: false },
  class: { kind: 'string', axis: false, rule: true, core: false },
  backbone: { kind: 'enum', values: BACKBONES, axis: true, rule: true, core: true },
  objective: { kind: 'enum', values: OBJECTIVES, axis: true, rule: true, core: false },
  synthetic: {
    kind: 'object',
    fields: {
      sleep_ms: (v) => (v >= 0 ? null : `synthetic.sleep_ms must be >= 0, got ${v}`),
      fail_rate: (v) => (v >= 0 && v <= 1 ? null : `synthetic.fail_rate must be in [0, 1], got ${v}`),
      seed: integerAtLeast0('synthetic.seed'),
    },
    axis: true,
    rule: false,
    core: false,
  },
  weights: { kind: 'weights', axis: true, rule: true, core: false },
  wavelet: { kind: 'enum', values: WAVELETS, axis: true, rule: true, core: true },
  level: {
    kind: 'number',
    check: (v) =>
      Number.isInteger(v) && v >= 1 && v <= MAX_LEVEL
        ? null
        : `level must be an integer from 1 to ${MAX_LEVEL}, got ${v}`,
    axis: true,
    rule: true,
    core: true,
  },
  mode: { kind: 'enum', values: DWT_MODES, axis: true, rule: true, core: false },
  align: { kind: 'enum', values: ALIGNS, axis: true, rule: true, core: false },
  subbands: { kind: 'subbands', axis: true, rule: true, core: true },
  distance: { kind: 'enum', values: DISTANCES, axis: true, rule: true, core: false },
  smoothing: { kind: 'enum', values: SMOOTHINGS, axis: true, rule: true, core: false },
  sigma: {
    kind: 'number',
    check: (v) => (v > 0 ? null : `sigma must be > 0, got ${v}`),
    axis: true,
    rule: true,
    core: true,
  },
  cov_reg: {
    kind: 'number',
    check: (v) => (v >= 0 ? null : `cov_reg must be >= 0, got ${v}`),
    axis: true,
    rule: true,
    core: true,
  },
  selection: {
    kind: 'object',
    fields: {
      holdout: (v) => (v > 0 && v < 1 ? null : `selection.holdout must be in (0, 1), got ${v}`),
      seed: integerAtLeast0('selection.seed'),
    },
    axis: true,
    rule: false,
    core: false,
  },
  /** a command sweep's argv template, cwd, timeout and free parameters (shared/command.ts); absent otherwise */
  command: { kind: 'command', axis: false, rule: false, core: false, optional: true },
} as const satisfies Record<string, ParamSpec>;

type Catalogue = typeof TRIAL_PARAMS;
export type ParamName = keyof Catalogue;
type Flagged<F extends 'axis' | 'rule' | 'core'> = {
  [K in ParamName]: Catalogue[K][F] extends true ? K : never;
}[ParamName];

/** The grid's axes, in expansion order (first = outermost loop; the class is always innermost). */
export type GridParam = Flagged<'axis'>;
/** What an exclude/conditions rule may test. */
export type RuleKey = Flagged<'rule'>;

/** Every parameter, in the catalogue's (the grid's loop) order. */
export const PARAM_NAMES = Object.keys(TRIAL_PARAMS) as ParamName[];
export const GRID_PARAMS = PARAM_NAMES.filter((k): k is GridParam => TRIAL_PARAMS[k].axis);
export const RULE_KEYS = PARAM_NAMES.filter((k): k is RuleKey => TRIAL_PARAMS[k].rule);
export const CORE_PARAMS: readonly string[] = PARAM_NAMES.filter((k) => TRIAL_PARAMS[k].core);

export function isGridParam(x: string): x is GridParam {
  return (GRID_PARAMS as readonly string[]).includes(x);
}

/** The type of a filterable value: a parameter (objects match only none) or a field of an object parameter. */
export type FilterType = 'string' | 'number' | 'subbands' | 'object';

/** Every filterable path (`sigma`, `selection.holdout`, ...) and the type of its values, in catalogue order. */
export function filterPaths(): Record<string, FilterType> {
  const out: Record<string, FilterType> = {};
  for (const k of PARAM_NAMES) {
    const spec: ParamSpec = TRIAL_PARAMS[k];
    out[k] =
      spec.kind === 'number' || spec.kind === 'subbands' || spec.kind === 'object'
        ? spec.kind
        : spec.kind === 'command'
          ? 'object'
          : 'string';
    for (const f of Object.keys(spec.fields ?? {})) out[`${k}.${f}`] = 'number';
  }
  return out;
}
