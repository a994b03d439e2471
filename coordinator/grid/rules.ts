/**
 * Filters on grid points: `exclude` rules (drop the points a rule matches) and `conditions`
 * (`{if: {...}, then: {...}}`: a point the `if` part matches is kept only when the `then` part matches too).
 * A rule maps parameters to one value or a list of values (any of them); all its parameters must match.
 */
import { DATASET_KINDS } from '../../shared/datasets.js';
import { checkKeys, describe, expectMap, fail, get, type LNode, type Loc } from './located.js';
import { isGridParam, RULE_KEYS, type GridParam, type RuleKey } from '../../shared/params/catalogue.js';
import { parseAxis, type ParamValues } from './params.js';

export interface Match {
  loc: Loc;
  tests: { key: RuleKey; ids: Set<string> }[];
}
export interface Condition {
  loc: Loc;
  when: Match;
  then: Match;
}

/** A trial-to-be: the values of every parameter and the class. */
export interface PointView {
  values: ParamValues;
  cls: string;
}

/** Identity of a value for comparisons (numbers and subband sets are already canonical). */
export function valueId<P extends GridParam>(param: P, v: ParamValues[P]): string {
  if (param === 'dataset') return (v as ParamValues['dataset']).decl.kind;
  return JSON.stringify(v);
}

function idsFor(key: RuleKey, n: LNode): Set<string> {
  if (key === 'class' || key === 'dataset') {
    const nodes = n.kind === 'seq' ? n.items : [n];
    if (nodes.length === 0) fail(n.loc, `${key} is an empty list: give at least one value`);
    return new Set(
      nodes.map((it) => {
        if (it.kind !== 'scalar' || typeof it.value !== 'string') fail(it.loc, `bad ${key} ${describe(it)} in a rule`);
        if (key === 'dataset' && !(DATASET_KINDS as readonly string[]).includes(it.value)) {
          fail(it.loc, `unknown dataset kind ${describe(it)}`, DATASET_KINDS);
        }
        return it.value;
      }),
    );
  }
  if (!isGridParam(key)) throw new Error(`unreachable: ${String(key)}`);
  return new Set(parseAxis(key, n).map((x) => valueId(key, x.value)));
}

export function parseMatch(n: LNode, where: string): Match {
  const m = expectMap(n, where);
  if (m.entries.length === 0) fail(m.loc, `${where} is empty: name at least one parameter`, RULE_KEYS);
  checkKeys(m, RULE_KEYS, where);
  return {
    loc: m.loc,
    tests: m.entries.map((e) => ({ key: e.key as RuleKey, ids: idsFor(e.key as RuleKey, e.value) })),
  };
}

export function parseCondition(n: LNode, where: string): Condition {
  const m = expectMap(n, where);
  checkKeys(m, ['if', 'then'], where);
  const w = get(m, 'if');
  const t = get(m, 'then');
  if (!w || !t) fail(m.loc, `${where} needs both if and then, e.g. {if: {level: 2}, then: {wavelet: haar}}`);
  return { loc: m.loc, when: parseMatch(w, `${where} if`), then: parseMatch(t, `${where} then`) };
}

function idOf(p: PointView, key: RuleKey): string {
  if (key === 'class') return p.cls;
  return valueId(key, p.values[key]);
}

export function matches(rule: Match, p: PointView): boolean {
  return rule.tests.every((t) => t.ids.has(idOf(p, t.key)));
}

export function keepPoint(p: PointView, exclude: readonly Match[], conditions: readonly Condition[]): boolean {
  if (exclude.some((r) => matches(r, p))) return false;
  return conditions.every((c) => !matches(c.when, p) || matches(c.then, p));
}
