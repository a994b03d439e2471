/**
 * The defaults of the grid parameters (those of the original code) and the parsers that turn a YAML value (one
 * value, a list, a range, a named subband set) into the list of typed values of one axis. Which parameters
 * exist, their allowed values and ranges come from the catalogue (shared/params/catalogue.ts).
 */
import {
  GRID_OBJECTIVES,
  isWeightsSpec,
  TRIAL_PARAMS,
  WEIGHTS_ALLOWED,
  type GridParam,
  type NumberCheck,
} from '../../shared/params/catalogue.js';
import { allNonEmptySubsets, canonicalSubbands, isSubband, SUBBANDS, type Subband } from '../../shared/subbands.js';
import type { SelectionSpec, SyntheticSpec, TrialParams } from '../../shared/trial.js';
import type { ResolvedDataset } from './dataset.js';
import { parseDatasets } from './dataset.js';
import { checkKeys, describe, expectMap, fail, get, type LMap, type LNode, type Loc, type Located } from './located.js';
import { numberList, scalarNumber } from './ranges.js';
import { quoted } from '../../shared/printable.js';

/** The value of each axis: a trial's parameter, except the dataset axis, which carries root and classes too. */
export type ParamValues = { [P in GridParam]: P extends 'dataset' ? ResolvedDataset : TrialParams[P] };

export type AxisValues<P extends GridParam> = Located<ParamValues[P]>[];

export const SUBBAND_SET_NAMES = ['all-nonempty', 'default', 'all', 'details'] as const;

/** Defaults of the original code (config.py) plus random:0 weights and no selection split. */
export const DEFAULTS: Omit<ParamValues, 'dataset'> = {
  backbone: 'resnet18',
  objective: 'wepadim',
  synthetic: null,
  weights: 'random:0',
  wavelet: 'haar',
  level: 1,
  mode: 'zero',
  align: 'down',
  subbands: ['LL', 'LH', 'HL'],
  distance: 'squared',
  smoothing: 'reference',
  sigma: 4.0,
  cov_reg: 0.01,
  selection: null,
};

function items(n: LNode, param: string): LNode[] {
  if (n.kind !== 'seq') return [n];
  if (n.items.length === 0) fail(n.loc, `${param} is an empty list: give at least one value`);
  return n.items;
}

function enumList<T extends string>(n: LNode, param: string, allowed: readonly T[]): Located<T>[] {
  return items(n, param).map((it) => {
    if (it.kind !== 'scalar' || typeof it.value !== 'string' || !(allowed as readonly string[]).includes(it.value)) {
      fail(it.loc, `unknown ${param} ${describe(it)}`, allowed);
    }
    return { value: it.value as T, loc: it.loc };
  });
}

export function nonNegativeInt(n: LNode, what: string): number {
  const v = scalarNumber(n, what);
  if (!Number.isSafeInteger(v) || v < 0) fail(n.loc, `${what} must be an integer >= 0, got ${v}`);
  return v;
}

function weightsList(n: LNode): Located<string>[] {
  return items(n, 'weights').map((it) => {
    const v = it.kind === 'scalar' ? it.value : null;
    const ok = typeof v === 'string' && isWeightsSpec(v);
    if (!ok) fail(it.loc, `bad weights ${describe(it)}`, WEIGHTS_ALLOWED);
    return { value: v, loc: it.loc };
  });
}

function subbandSet(n: LNode): Subband[] {
  const names: { name: string; loc: Loc }[] = [];
  if (n.kind === 'seq') {
    if (n.items.length === 0) fail(n.loc, 'empty subband set', 'a non-empty subset of LL, LH, HL, HH');
    for (const it of n.items) {
      if (it.kind !== 'scalar' || typeof it.value !== 'string') fail(it.loc, `bad subband ${describe(it)}`, SUBBANDS);
      names.push({ name: it.value, loc: it.loc });
    }
  } else if (n.kind === 'scalar' && typeof n.value === 'string') {
    for (const part of n.value.split('+')) names.push({ name: part.trim(), loc: n.loc });
  } else {
    fail(
      n.loc,
      `bad subband set ${describe(n)}`,
      'a list such as [LL, LH, HL], LL+LH+HL, or a name: ' + SUBBAND_SET_NAMES.join(', '),
    );
  }
  const seen = new Set<string>();
  for (const { name, loc } of names) {
    if (!isSubband(name)) fail(loc, `unknown subband ${quoted(name)}`, SUBBANDS);
    if (seen.has(name)) fail(loc, `subband ${name} listed twice in one set`);
    seen.add(name);
  }
  return canonicalSubbands(names.map((x) => x.name as Subband));
}

function namedSets(name: string): Subband[][] | null {
  if (name === 'all-nonempty') return allNonEmptySubsets();
  if (name === 'default') return [['LL', 'LH', 'HL']];
  if (name === 'all') return [['LL', 'LH', 'HL', 'HH']];
  if (name === 'details') return [['LH', 'HL', 'HH']];
  return null;
}

function setOrNamed(n: LNode): Subband[][] {
  if (n.kind === 'scalar' && typeof n.value === 'string') {
    const named = namedSets(n.value);
    if (named) return named;
  }
  return [subbandSet(n)];
}

/** `[LL, LH]` is one set; `[[LL], [LL, LH]]`, `[LL+LH, all]` and `all-nonempty` are lists of sets. */
export function subbandsList(n: LNode): Located<Subband[]>[] {
  if (n.kind === 'seq') {
    if (n.items.length === 0) fail(n.loc, 'empty subband set', 'a non-empty subset of LL, LH, HL, HH');
    const flat = n.items.every((it) => it.kind === 'scalar' && typeof it.value === 'string' && isSubband(it.value));
    if (flat) return [{ value: subbandSet(n), loc: n.loc }];
    return n.items.flatMap((it) => setOrNamed(it).map((value) => ({ value, loc: it.loc })));
  }
  return setOrNamed(n).map((value) => ({ value, loc: n.loc }));
}

/** A field of an object parameter: its number, checked by the catalogue, or `dflt` when absent. */
function field(m: LMap, param: 'synthetic' | 'selection', key: string, dflt: number): number {
  const node = get(m, key);
  if (!node) return dflt;
  const v = scalarNumber(node, `${param}.${key}`);
  const fields: Readonly<Record<string, NumberCheck>> = TRIAL_PARAMS[param].fields;
  const e = fields[key](v);
  if (e) fail(node.loc, e);
  return v;
}

function syntheticObjective(n: LNode): SyntheticSpec {
  const m = expectMap(n, 'synthetic');
  checkKeys(m, Object.keys(TRIAL_PARAMS.synthetic.fields), 'synthetic');
  return {
    sleep_ms: field(m, 'synthetic', 'sleep_ms', 0),
    fail_rate: field(m, 'synthetic', 'fail_rate', 0),
    seed: field(m, 'synthetic', 'seed', 0),
  };
}

function selection(n: LNode): SelectionSpec | null {
  if (n.kind === 'scalar' && n.value === null) return null;
  const m = expectMap(n, 'selection');
  checkKeys(m, Object.keys(TRIAL_PARAMS.selection.fields), 'selection');
  if (!get(m, 'holdout'))
    fail(m.loc, 'selection needs holdout, the fraction of test images used for selection (0 < holdout < 1)');
  return { holdout: field(m, 'selection', 'holdout', NaN), seed: field(m, 'selection', 'seed', 0) };
}

function mappings<T>(n: LNode, param: string, parse: (x: LNode) => T): Located<T>[] {
  return items(n, param).map((it) => ({ value: parse(it), loc: it.loc }));
}

function checked(list: Located<number>[], check: NumberCheck): Located<number>[] {
  for (const x of list) {
    const e = check(x.value);
    if (e) fail(x.loc, e);
  }
  return list;
}

/** Parse one parameter's YAML value into the values of its axis. */
export function parseAxis<P extends GridParam>(param: P, n: LNode): AxisValues<P> {
  return parseAny(param, n) as AxisValues<P>;
}

function parseAny(param: GridParam, n: LNode): Located<unknown>[] {
  switch (param) {
    case 'dataset':
      return parseDatasets(n);
    case 'synthetic':
      return mappings(n, param, syntheticObjective);
    case 'weights':
      return weightsList(n);
    case 'subbands':
      return subbandsList(n);
    case 'selection':
      return mappings(n, param, selection);
    case 'level':
    case 'sigma':
    case 'cov_reg':
      return checked(numberList(n, param), TRIAL_PARAMS[param].check);
    case 'objective':
      // `command` is a kind of sweep file (objective: command at its top), not a value of the grid's axis
      return enumList(n, param, GRID_OBJECTIVES);
    default:
      return enumList(n, param, TRIAL_PARAMS[param].values);
  }
}
