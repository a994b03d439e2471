/**
 * The free parameters of a command sweep (`params:`): each has a type (int, float, str, bool, choice) and
 * values (one value, a list, a range or a log range, ranges inside lists too), and the rules that filter
 * points (`exclude`, `conditions`) test them by name. Every wrong-typed value fails at its own line.
 */
import { PARAM_NAME, type CommandValue } from '../../shared/command.js';
import { quoted } from '../../shared/printable.js';
import { normalizeNumber } from '../../shared/trial.js';
import { checkKeys, describe, expectMap, fail, get, type LMap, type LNode, type Loc, type Located } from './located.js';
import { expandRange } from './ranges.js';

export const PARAM_TYPES = ['int', 'float', 'str', 'bool', 'choice'] as const;
export type FreeParamType = (typeof PARAM_TYPES)[number];

export interface FreeParam {
  name: string;
  type: FreeParamType;
  loc: Loc;
  values: Located<CommandValue>[];
}

/** One value of a typed parameter, or a located error naming the parameter, its type and the value. */
function typedValue(n: LNode, name: string, type: FreeParamType): CommandValue {
  if (n.kind !== 'scalar' || n.value === null) fail(n.loc, `${name} (${type}): expected one value, got ${describe(n)}`);
  const v = n.value;
  switch (type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        fail(n.loc, `${name} is an int parameter, got ${describe(n)}`);
      return v;
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(n.loc, `${name} is a float parameter, got ${describe(n)}`);
      return normalizeNumber(v);
    case 'str':
      if (typeof v !== 'string')
        fail(n.loc, `${name} is a str parameter, got ${describe(n)} (quote it: ${quoted(String(v))})`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') fail(n.loc, `${name} is a bool parameter, got ${describe(n)}`, 'true, false');
      return v;
    case 'choice':
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        fail(n.loc, `${name}: bad choice ${describe(n)}`);
      return v;
  }
}

/** A value node (scalar, list, range mapping) into the parameter's located values. */
function valuesOf(n: LNode, name: string, type: FreeParamType): Located<CommandValue>[] {
  if (n.kind === 'seq') {
    if (n.items.length === 0) fail(n.loc, `${name} is an empty list: give at least one value`);
    return n.items.flatMap((it) => valuesOf(it, name, type));
  }
  if (n.kind === 'map') {
    if (type !== 'int' && type !== 'float')
      fail(n.loc, `${name} is a ${type} parameter: ranges are for int and float parameters`);
    const values = expandRange(n, name);
    const bad = values.find((v) => type === 'int' && !Number.isSafeInteger(v));
    if (bad !== undefined) fail(n.loc, `${name} is an int parameter, but its range gives ${bad}`);
    return values.map((value) => ({ value, loc: n.loc }));
  }
  return [{ value: typedValue(n, name, type), loc: n.loc }];
}

/** `params:` into the declared parameters, in file order (the first one is the outermost loop). */
export function parseFreeParams(n: LNode): FreeParam[] {
  const m = expectMap(n, 'params');
  if (m.entries.length === 0) fail(m.loc, 'params is empty: declare at least one parameter');
  return m.entries.map((e) => {
    if (!PARAM_NAME.test(e.key))
      fail(e.keyLoc, `bad parameter name ${quoted(e.key)}`, 'a letter, then letters, digits, _');
    const spec = expectMap(e.value, `params.${e.key}`);
    checkKeys(spec, ['type', 'values'], `params.${e.key}`);
    const t = get(spec, 'type');
    if (!t || t.kind !== 'scalar' || !(PARAM_TYPES as readonly unknown[]).includes(t.value)) {
      fail(t?.loc ?? spec.loc, `params.${e.key} needs a type, got ${t ? describe(t) : 'none'}`, PARAM_TYPES);
    }
    const type = t.value as FreeParamType;
    const vn = get(spec, 'values');
    if (!vn) fail(spec.loc, `params.${e.key} needs values (one value, a list, {range: ...} or {logrange: ...})`);
    const values = valuesOf(vn, e.key, type);
    return { name: e.key, type, loc: e.keyLoc, values };
  });
}

export interface FreeMatch {
  loc: Loc;
  tests: { name: string; ids: Set<string> }[];
}

export interface FreeCondition {
  when: FreeMatch;
  then: FreeMatch;
}

const idOf = (v: CommandValue): string => JSON.stringify(v);

/** A rule `{name: value or [values]}` over declared parameters; values are typed like the parameter's. */
export function parseFreeMatch(n: LNode, where: string, params: readonly FreeParam[]): FreeMatch {
  const m: LMap = expectMap(n, where);
  if (m.entries.length === 0) fail(m.loc, `${where} is empty`);
  const tests = m.entries.map((e) => {
    const p = params.find((x) => x.name === e.key);
    if (!p)
      fail(
        e.keyLoc,
        `unknown parameter ${quoted(e.key)} in ${where}`,
        params.map((x) => x.name),
      );
    return { name: p.name, ids: new Set(valuesOf(e.value, p.name, p.type).map((x) => idOf(x.value))) };
  });
  return { loc: m.loc, tests };
}

export function parseFreeCondition(n: LNode, where: string, params: readonly FreeParam[]): FreeCondition {
  const m = expectMap(n, where);
  checkKeys(m, ['if', 'then'], where);
  const w = get(m, 'if');
  const t = get(m, 'then');
  if (!w || !t) fail(m.loc, `${where} needs both if and then`);
  return { when: parseFreeMatch(w, `${where} if`, params), then: parseFreeMatch(t, `${where} then`, params) };
}

const matches = (r: FreeMatch, point: Readonly<Record<string, CommandValue>>): boolean =>
  r.tests.every((t) => t.ids.has(idOf(point[t.name])));

/** Is the point kept: no exclude rule matches it, and every condition whose `if` matches has its `then` match too. */
export function keepFreePoint(
  point: Readonly<Record<string, CommandValue>>,
  exclude: readonly FreeMatch[],
  conditions: readonly FreeCondition[],
): boolean {
  if (exclude.some((r) => matches(r, point))) return false;
  return conditions.every((c) => !matches(c.when, point) || matches(c.then, point));
}
