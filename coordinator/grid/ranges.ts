/**
 * Numeric grid values: a number, a list of numbers, `{range: [a, b], step: s}`, `{range: [a, b], num: n}` or
 * `{logrange: [a, b], num: n}`. Ranges include both ends; every value is normalised (15 significant digits),
 * so 0.1 + 0.2 steps give 0.3, not 0.30000000000000004.
 */
import { normalizeNumber } from '../../shared/trial.js';
import { checkKeys, describe, fail, get, type LMap, type LNode, type Loc } from './located.js';

export interface LocatedNumber {
  value: number;
  loc: Loc;
}

const MAX_RANGE_POINTS = 10_000;

export function scalarNumber(n: LNode, what: string): number {
  if (n.kind !== 'scalar' || typeof n.value !== 'number') fail(n.loc, `${what} must be a number, got ${describe(n)}`);
  if (!Number.isFinite(n.value)) fail(n.loc, `${what} must be a finite number, got ${describe(n)}`);
  return normalizeNumber(n.value);
}

function rangeEnds(n: LNode, what: string): [number, number] {
  if (n.kind !== 'seq' || n.items.length !== 2)
    fail(n.loc, `${what} must be a list of two numbers [start, stop], got ${describe(n)}`);
  return [scalarNumber(n.items[0], `${what} start`), scalarNumber(n.items[1], `${what} stop`)];
}

function positiveInt(n: LNode, what: string): number {
  const v = scalarNumber(n, what);
  if (!Number.isInteger(v) || v < 1 || v > MAX_RANGE_POINTS)
    fail(n.loc, `${what} must be an integer from 1 to ${MAX_RANGE_POINTS}, got ${v}`);
  return v;
}

/** A range marked `continuous: true`: search random draws from [low, high] (log-uniform for a logrange). */
export interface ContinuousRange {
  low: number;
  high: number;
  log: boolean;
  loc: Loc;
}

/** The continuous interval of a range mapping, or null when it is not marked continuous. */
export function continuousRange(n: LNode, param: string): ContinuousRange | null {
  if (n.kind !== 'map') return null;
  const c = get(n, 'continuous');
  if (!c || (c.kind === 'scalar' && c.value === false)) return null;
  if (c.kind !== 'scalar' || c.value !== true)
    fail(c.loc, `${param} continuous must be true or false, got ${describe(c)}`);
  const log = get(n, 'logrange') !== undefined;
  const ends = get(n, log ? 'logrange' : 'range');
  if (!ends) fail(n.loc, `${param}: only a range or a logrange can be continuous`);
  const [a, b] = rangeEnds(ends, `${param} ${log ? 'logrange' : 'range'}`);
  if (b <= a) fail(ends.loc, `${param} continuous range stop must be > start, got [${a}, ${b}]`);
  if (log && a <= 0) fail(ends.loc, `${param} logrange ends must be > 0, got [${a}, ${b}]`);
  return { low: a, high: b, log, loc: n.loc };
}

/** Values of a `{range: ...}` or `{logrange: ...}` mapping. */
export function expandRange(m: LMap, param: string): number[] {
  const isLog = get(m, 'logrange') !== undefined;
  const kind = isLog ? 'logrange' : 'range';
  if (isLog && get(m, 'range') !== undefined) fail(m.loc, `${param}: give either range or logrange, not both`);
  checkKeys(m, isLog ? ['logrange', 'num', 'continuous'] : ['range', 'step', 'num', 'continuous'], `${param} ${kind}`);
  // continuous without step/num: the grid holds the start as a placeholder, search random draws the value
  const cont = continuousRange(m, param);
  if (cont && get(m, 'step') === undefined && get(m, 'num') === undefined) return [cont.low];
  const endsNode = get(m, kind);
  if (!endsNode)
    fail(m.loc, `${param}: a value mapping must be a range`, [
      '{range: [a, b], step: s}',
      '{range: [a, b], num: n}',
      '{logrange: [a, b], num: n}',
    ]);
  const [a, b] = rangeEnds(endsNode, `${param} ${kind}`);
  const stepNode = get(m, 'step');
  const numNode = get(m, 'num');
  if (isLog) {
    if (!numNode) fail(m.loc, `${param} logrange needs num (the number of points)`);
    const num = positiveInt(numNode, `${param} logrange num`);
    if (a <= 0 || b <= 0) fail(endsNode.loc, `${param} logrange ends must be > 0, got [${a}, ${b}]`);
    if (num === 1) return [a];
    const la = Math.log10(a);
    const lb = Math.log10(b);
    return Array.from({ length: num }, (_, i) => normalizeNumber(10 ** (la + ((lb - la) * i) / (num - 1))));
  }
  if ((stepNode === undefined) === (numNode === undefined))
    fail(m.loc, `${param} range needs exactly one of step or num`);
  if (numNode) {
    const num = positiveInt(numNode, `${param} range num`);
    if (num === 1) return [a];
    return Array.from({ length: num }, (_, i) => normalizeNumber(a + ((b - a) * i) / (num - 1)));
  }
  const step = scalarNumber(stepNode as LNode, `${param} range step`);
  if (step <= 0) fail((stepNode as LNode).loc, `${param} range step must be > 0, got ${step}`);
  if (b < a) fail(endsNode.loc, `${param} range stop must be >= start, got [${a}, ${b}]`);
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > MAX_RANGE_POINTS) fail(m.loc, `${param} range has ${count} points, more than ${MAX_RANGE_POINTS}`);
  return Array.from({ length: count }, (_, i) => normalizeNumber(a + i * step));
}

/** A number, a list of numbers and ranges, or one range mapping; every value keeps its location. */
export function numberList(n: LNode, param: string): LocatedNumber[] {
  if (n.kind === 'map') return expandRange(n, param).map((value) => ({ value, loc: n.loc }));
  if (n.kind === 'seq') {
    if (n.items.length === 0) fail(n.loc, `${param} is an empty list: give at least one value`);
    return n.items.flatMap((it) =>
      it.kind === 'map' ? numberList(it, param) : [{ value: scalarNumber(it, param), loc: it.loc }],
    );
  }
  return [{ value: scalarNumber(n, param), loc: n.loc }];
}
