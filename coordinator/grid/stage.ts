/**
 * One stage of a sweep, parsed: the values of every axis, zip groups, exclude rules, conditions and
 * per-backbone overrides. Settings at the top level of the file are shared by every stage: `grid` and
 * `per_backbone` merge key by key under the stage's own, `zip`, `exclude` and `conditions` are prepended.
 */
import { BACKBONES, isBackbone, type Backbone } from '../../shared/backbones.js';
import {
  checkKeys,
  describe,
  entry,
  expectMap,
  fail,
  get,
  mergeNodes,
  type LEntry,
  type LMap,
  type LNode,
  type Loc,
} from './located.js';
import { GRID_PARAMS, isGridParam, type GridParam } from '../../shared/params/catalogue.js';
import { parseAxis, type AxisValues } from './params.js';
import { continuousRange, type ContinuousRange } from './ranges.js';
import { TRIAL_PARAMS } from '../../shared/params/catalogue.js';
import { parseCondition, parseMatch, type Condition, type Match } from './rules.js';
import { quoted } from '../../shared/printable.js';

export const STAGE_KEYS = ['description', 'grid', 'zip', 'exclude', 'conditions', 'per_backbone'] as const;

export type Axes = { [P in GridParam]?: AxisValues<P> };

export interface ZipGroup {
  params: GridParam[];
  loc: Loc;
}

export interface StagePlan {
  name: string;
  loc: Loc;
  axes: Axes;
  zips: ZipGroup[];
  exclude: Match[];
  conditions: Condition[];
  perBackbone: Map<Backbone, Axes>;
  /** grid numbers given as `{range: ..., continuous: true}`: drawn from their interval by search random */
  continuous: Map<GridParam, ContinuousRange>;
}

const CONTINUOUS_PARAMS: readonly GridParam[] = ['sigma', 'cov_reg'];

function continuousAxes(m: LMap | undefined, where: string): Map<GridParam, ContinuousRange> {
  const out = new Map<GridParam, ContinuousRange>();
  for (const e of m?.entries ?? []) {
    const c = continuousRange(e.value, e.key);
    if (!c) continue;
    const p = e.key as GridParam;
    if (!CONTINUOUS_PARAMS.includes(p)) fail(e.value.loc, `${p} cannot be continuous in ${where}`, CONTINUOUS_PARAMS);
    const check = TRIAL_PARAMS[p as 'sigma' | 'cov_reg'].check;
    for (const v of [c.low, c.high]) {
      const err = check(v);
      if (err) fail(c.loc, err);
    }
    out.set(p, c);
  }
  return out;
}

function setAxis<P extends GridParam>(axes: Axes, p: P, n: LNode): void {
  (axes as Record<P, AxisValues<P>>)[p] = parseAxis(p, n);
}

function parseGrid(m: LMap, where: string, forbidden: readonly GridParam[] = []): Axes {
  checkKeys(m, GRID_PARAMS, where);
  const axes: Axes = {};
  for (const e of m.entries) {
    const p = e.key as GridParam;
    if (forbidden.includes(p))
      fail(
        e.keyLoc,
        `${p} cannot be set in ${where}`,
        GRID_PARAMS.filter((x) => !forbidden.includes(x)),
      );
    if (e.value.kind === 'scalar' && e.value.value === null) continue;
    setAxis(axes, p, e.value);
  }
  return axes;
}

function seqItems(n: LNode | undefined, what: string): LNode[] {
  if (!n) return [];
  if (n.kind !== 'seq') fail(n.loc, `${what} must be a list, got ${describe(n)}`);
  return n.items;
}

function parseZip(n: LNode, where: string, axes: Axes, taken: Set<GridParam>): ZipGroup {
  let params: GridParam[];
  if (n.kind === 'map') {
    // inline form: {wavelet: [haar, sym4], level: [2, 1]}
    params = n.entries.map((e) => e.key as GridParam);
    checkKeys(n, GRID_PARAMS, where);
    for (const e of n.entries) setAxis(axes, e.key as GridParam, e.value);
  } else if (n.kind === 'seq') {
    params = n.items.map((it) => {
      if (it.kind !== 'scalar' || typeof it.value !== 'string' || !isGridParam(it.value)) {
        fail(it.loc, `unknown parameter ${describe(it)} in ${where}`, GRID_PARAMS);
      }
      if (!axes[it.value]) fail(it.loc, `${where} names ${it.value}, which has no list in grid`);
      return it.value;
    });
  } else {
    return fail(
      n.loc,
      `${where} must be a list of parameter names or a mapping of parameter lists, got ${describe(n)}`,
    );
  }
  if (params.length < 2) fail(n.loc, `${where} must tie at least two parameters together`);
  for (const p of params) {
    if (taken.has(p)) fail(n.loc, `${p} is in two zip groups`);
    taken.add(p);
  }
  return { params, loc: n.loc };
}

function parsePerBackbone(n: LNode, where: string, zips: readonly ZipGroup[]): Map<Backbone, Axes> {
  const m = expectMap(n, where);
  const out = new Map<Backbone, Axes>();
  const withBackbone = zips.find((z) => z.params.includes('backbone'));
  for (const e of m.entries) {
    if (!isBackbone(e.key)) fail(e.keyLoc, `unknown backbone ${quoted(e.key)} in ${where}`, BACKBONES);
    if (e.value.kind === 'scalar' && e.value.value === null) continue;
    const axes = parseGrid(expectMap(e.value, `${where}.${e.key}`), `${where}.${e.key}`, ['dataset', 'backbone']);
    for (const p of Object.keys(axes) as GridParam[]) {
      if (withBackbone?.params.includes(p))
        fail(e.value.loc, `${where}.${e.key} cannot set ${p}: it is zipped with backbone`);
    }
    out.set(e.key, axes);
  }
  return out;
}

/** Combine the file's shared top-level settings with one stage's own (as located nodes). */
export function combineStage(shared: LMap, own: LMap): LMap {
  const entries: LEntry[] = [];
  for (const key of STAGE_KEYS) {
    const s = entry(shared, key);
    const o = entry(own, key);
    if (!s && !o) continue;
    if (!s || !o || key === 'description') {
      entries.push((o ?? s) as LEntry);
    } else if (key === 'grid' || key === 'per_backbone') {
      entries.push({ key, keyLoc: o.keyLoc, value: mergeNodes(s.value, o.value) });
    } else if (s.value.kind === 'seq' && o.value.kind === 'seq') {
      entries.push({
        key,
        keyLoc: o.keyLoc,
        value: { kind: 'seq', loc: o.value.loc, items: [...s.value.items, ...o.value.items] },
      });
    } else {
      entries.push(s.value.kind === 'seq' ? o : s); // the non-list one, reported by seqItems
    }
  }
  for (const e of own.entries) if (!entries.some((x) => x.key === e.key)) entries.push(e);
  return { kind: 'map', loc: own.loc, entries };
}

export function parseStage(name: string, m: LMap): StagePlan {
  const where = `stage "${name}"`;
  checkKeys(m, STAGE_KEYS, where);
  const gridNode = get(m, 'grid');
  const axes = gridNode ? parseGrid(expectMap(gridNode, `${where} grid`), `${where} grid`) : {};
  const taken = new Set<GridParam>();
  const zips = seqItems(get(m, 'zip'), `${where} zip`).map((z, i) => parseZip(z, `${where} zip[${i}]`, axes, taken));
  if (!axes.dataset)
    fail(m.loc, `${where} has no dataset: set grid.dataset, e.g. {kind: mvtec, root: ../data/mvtec, classes: all}`);
  const exclude = seqItems(get(m, 'exclude'), `${where} exclude`).map((r, i) =>
    parseMatch(r, `${where} exclude[${i}]`),
  );
  const conditions = seqItems(get(m, 'conditions'), `${where} conditions`).map((c, i) =>
    parseCondition(c, `${where} conditions[${i}]`),
  );
  const pb = get(m, 'per_backbone');
  const perBackbone = pb ? parsePerBackbone(pb, `${where} per_backbone`, zips) : new Map<Backbone, Axes>();
  const continuous = continuousAxes(gridNode?.kind === 'map' ? gridNode : undefined, `${where} grid`);
  return { name, loc: m.loc, axes, zips, exclude, conditions, perBackbone, continuous };
}
