/**
 * The grid parameters a sweep can set, their defaults (those of the original code) and the parsers that turn
 * a YAML value (one value, a list, a range, a named subband set) into the list of typed values of one axis.
 */
import { BACKBONES, type Backbone } from '../../shared/backbones.js';
import { allNonEmptySubsets, canonicalSubbands, isSubband, SUBBANDS, type Subband } from '../../shared/subbands.js';
import type { Align, DistanceKind, Objective, SelectionSpec, SmoothingKind, SyntheticSpec } from '../../shared/trial.js';
import { DWT_MODES, WAVELETS, type DwtMode, type Wavelet } from '../../shared/wavelets.js';
import type { ResolvedDataset } from './dataset.js';
import { parseDatasets } from './dataset.js';
import { checkKeys, describe, expectMap, fail, get, type LNode, type Loc, type Located } from './located.js';
import { numberList, scalarNumber } from './ranges.js';

/** Every grid parameter, in expansion order (first = outermost loop; the class is always innermost). */
export const GRID_PARAMS = [
  'dataset', 'backbone', 'objective', 'synthetic', 'weights', 'wavelet', 'level', 'mode', 'align',
  'subbands', 'distance', 'smoothing', 'sigma', 'cov_reg', 'selection',
] as const;
export type GridParam = (typeof GRID_PARAMS)[number];

export interface ParamValues {
  dataset: ResolvedDataset;
  backbone: Backbone;
  objective: Objective;
  synthetic: SyntheticSpec | null;
  weights: string;
  wavelet: Wavelet;
  level: number;
  mode: DwtMode;
  align: Align;
  subbands: Subband[];
  distance: DistanceKind;
  smoothing: SmoothingKind;
  sigma: number;
  cov_reg: number;
  selection: SelectionSpec | null;
}

export type AxisValues<P extends GridParam> = Located<ParamValues[P]>[];

/** Upper bound on the DWT level (some wavelet/size pairs never shrink below 2, so depth alone cannot bound it). */
export const MAX_LEVEL = 16;

export const OBJECTIVES = ['wepadim', 'synthetic'] as const;
export const ALIGNS = ['down', 'up'] as const;
export const DISTANCES = ['squared', 'sqrt'] as const;
export const SMOOTHINGS = ['reference', 'gaussian'] as const;
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

const WEIGHTS_ALLOWED = 'random:SEED, imagenet, sha256:<64 hex digits>';

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
    const ok = typeof v === 'string' && (v === 'imagenet' || /^random:\d{1,15}$/.test(v) || /^sha256:[0-9a-f]{64}$/.test(v));
    if (!ok) fail(it.loc, `bad weights ${describe(it)}`, WEIGHTS_ALLOWED);
    return { value: v as string, loc: it.loc };
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
    fail(n.loc, `bad subband set ${describe(n)}`, 'a list such as [LL, LH, HL], LL+LH+HL, or a name: ' + SUBBAND_SET_NAMES.join(', '));
  }
  const seen = new Set<string>();
  for (const { name, loc } of names) {
    if (!isSubband(name)) fail(loc, `unknown subband "${name}"`, SUBBANDS);
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

function syntheticObjective(n: LNode): SyntheticSpec {
  const m = expectMap(n, 'synthetic');
  checkKeys(m, ['sleep_ms', 'fail_rate', 'seed'], 'synthetic');
  const sleepNode = get(m, 'sleep_ms');
  const rateNode = get(m, 'fail_rate');
  const seedNode = get(m, 'seed');
  const sleep_ms = sleepNode ? scalarNumber(sleepNode, 'synthetic.sleep_ms') : 0;
  if (sleepNode && sleep_ms < 0) fail(sleepNode.loc, `synthetic.sleep_ms must be >= 0, got ${sleep_ms}`);
  const fail_rate = rateNode ? scalarNumber(rateNode, 'synthetic.fail_rate') : 0;
  if (rateNode && (fail_rate < 0 || fail_rate > 1)) fail(rateNode.loc, `synthetic.fail_rate must be in [0, 1], got ${fail_rate}`);
  const seed = seedNode ? nonNegativeInt(seedNode, 'synthetic.seed') : 0;
  return { sleep_ms, fail_rate, seed };
}

function selection(n: LNode): SelectionSpec | null {
  if (n.kind === 'scalar' && n.value === null) return null;
  const m = expectMap(n, 'selection');
  checkKeys(m, ['holdout', 'seed'], 'selection');
  const h = get(m, 'holdout');
  if (!h) fail(m.loc, 'selection needs holdout, the fraction of test images used for selection (0 < holdout < 1)');
  const holdout = scalarNumber(h, 'selection.holdout');
  if (!(holdout > 0 && holdout < 1)) fail(h.loc, `selection.holdout must be in (0, 1), got ${holdout}`);
  const seedNode = get(m, 'seed');
  return { holdout, seed: seedNode ? nonNegativeInt(seedNode, 'selection.seed') : 0 };
}

function mappings<T>(n: LNode, param: string, parse: (x: LNode) => T): Located<T>[] {
  return items(n, param).map((it) => ({ value: parse(it), loc: it.loc }));
}

function checked(list: Located<number>[], ok: (v: number) => boolean, msg: (v: number) => string): Located<number>[] {
  for (const x of list) if (!ok(x.value)) fail(x.loc, msg(x.value));
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
    case 'backbone':
      return enumList(n, param, BACKBONES);
    case 'objective':
      return enumList(n, param, OBJECTIVES);
    case 'synthetic':
      return mappings(n, param, syntheticObjective);
    case 'weights':
      return weightsList(n);
    case 'wavelet':
      return enumList(n, param, WAVELETS);
    case 'level':
      return checked(numberList(n, 'level'), (v) => Number.isInteger(v) && v >= 1 && v <= MAX_LEVEL, (v) => `level must be an integer from 1 to ${MAX_LEVEL}, got ${v}`);
    case 'mode':
      return enumList(n, param, DWT_MODES);
    case 'align':
      return enumList(n, param, ALIGNS);
    case 'subbands':
      return subbandsList(n);
    case 'distance':
      return enumList(n, param, DISTANCES);
    case 'smoothing':
      return enumList(n, param, SMOOTHINGS);
    case 'sigma':
      return checked(numberList(n, 'sigma'), (v) => v > 0, (v) => `sigma must be > 0, got ${v}`);
    case 'cov_reg':
      return checked(numberList(n, 'cov_reg'), (v) => v >= 0, (v) => `cov_reg must be >= 0, got ${v}`);
    case 'selection':
      return mappings(n, param, selection);
  }
}

export function isGridParam(x: string): x is GridParam {
  return (GRID_PARAMS as readonly string[]).includes(x);
}
