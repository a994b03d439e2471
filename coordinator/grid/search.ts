/**
 * The `search:` key of a sweep file: `grid` (default), `{kind: random, n, seed}` or
 * `{kind: halving, eta, budget, min_budget, max_budget, metric, order, mode, seed}`. Errors name the line.
 */
import { GRID_SEARCH, type HalvingSearch, type SearchSpec } from '../search/spec.js';
import { checkKeys, describe, expectMap, fail, get, type LMap, type LNode } from './located.js';

const KINDS = ['grid', 'random', 'halving'];
const METRIC = /^[A-Za-z0-9_.:-]+$/;

function int(m: LMap, key: string, what: string, min: number, dflt: number | null): number {
  const n = get(m, key);
  if (!n) {
    if (dflt === null) fail(m.loc, `${what} needs ${key}`);
    return dflt;
  }
  if (n.kind !== 'scalar' || typeof n.value !== 'number' || !Number.isSafeInteger(n.value) || n.value < min)
    fail(n.loc, `${what} ${key} must be an integer >= ${min}, got ${describe(n)}`);
  return n.value;
}

function choice<T extends string>(m: LMap, key: string, what: string, allowed: readonly T[], dflt: T): T {
  const n = get(m, key);
  if (!n) return dflt;
  if (n.kind !== 'scalar' || typeof n.value !== 'string' || !(allowed as readonly string[]).includes(n.value))
    fail(n.loc, `${what} ${key} must be one of these, got ${describe(n)}`, allowed);
  return n.value as T;
}

function halving(m: LMap): HalvingSearch {
  const what = 'search (halving)';
  checkKeys(m, ['kind', 'eta', 'budget', 'min_budget', 'max_budget', 'metric', 'order', 'mode', 'seed'], what);
  const budget = choice(m, 'budget', what, ['classes', 'steps'] as const, 'classes');
  const minBudget = int(m, 'min_budget', what, 1, 1);
  const maxNode = get(m, 'max_budget');
  const maxBudget = maxNode
    ? int(m, 'max_budget', what, 1, null)
    : budget === 'steps'
      ? fail(m.loc, `${what} with budget: steps needs max_budget (the last rung's step count)`)
      : null;
  if (maxBudget !== null && maxBudget < minBudget)
    fail((maxNode as LNode).loc, `${what} max_budget ${maxBudget} is below min_budget ${minBudget}`);
  const metricNode = get(m, 'metric');
  let metric = 'image_auroc';
  if (metricNode) {
    if (metricNode.kind !== 'scalar' || typeof metricNode.value !== 'string' || !METRIC.test(metricNode.value))
      fail(metricNode.loc, `${what} metric must be a metric name such as image_auroc, got ${describe(metricNode)}`);
    metric = metricNode.value;
  }
  const lowerIsBetter = metric.startsWith('time.') || metric === 'peak_rss_mb' || metric === 'loss';
  return {
    kind: 'halving',
    eta: int(m, 'eta', what, 2, 3),
    budget,
    minBudget,
    maxBudget,
    metric,
    order: choice(m, 'order', what, ['desc', 'asc'] as const, lowerIsBetter ? 'asc' : 'desc'),
    mode: choice(m, 'mode', what, ['async', 'sync'] as const, 'async'),
    seed: int(m, 'seed', what, 0, 0),
  };
}

/** The search of a sweep file (`node` is the value of its `search:` key, if any). */
export function parseSearch(node: LNode | undefined): SearchSpec {
  if (!node || (node.kind === 'scalar' && node.value === null)) return GRID_SEARCH;
  if (node.kind === 'scalar') {
    if (node.value === 'grid') return GRID_SEARCH;
    fail(node.loc, `search must be grid or a mapping with a kind, got ${describe(node)}`, KINDS);
  }
  const m = expectMap(node, 'search');
  const kind = get(m, 'kind');
  if (!kind || kind.kind !== 'scalar' || typeof kind.value !== 'string' || !KINDS.includes(kind.value))
    fail(kind?.loc ?? m.loc, `search needs a kind, got ${kind ? describe(kind) : 'nothing'}`, KINDS);
  if (kind.value === 'grid') {
    checkKeys(m, ['kind'], 'search (grid)');
    return GRID_SEARCH;
  }
  if (kind.value === 'halving') return halving(m);
  checkKeys(m, ['kind', 'n', 'seed'], 'search (random)');
  return { kind: 'random', n: int(m, 'n', 'search (random)', 1, null), seed: int(m, 'seed', 'search (random)', 0, 0) };
}

/**
 * A halving budget must suit the objective: `steps` only for command sweeps (their program gets `{budget}`),
 * `classes` only for the others (a command sweep has one class). `node` is the `search:` value.
 */
export function checkBudgetKind(node: LNode | undefined, spec: SearchSpec, commandSweep: boolean): void {
  if (!node || spec.kind !== 'halving') return;
  const at = node.kind === 'map' ? (get(node, 'budget') ?? node) : node;
  if (commandSweep && spec.budget !== 'steps')
    fail(
      at.loc,
      'search (halving) of a command sweep needs budget: steps (and max_budget): each rung runs the command again with {budget} steps',
    );
  if (!commandSweep && spec.budget === 'steps')
    fail(
      at.loc,
      'search (halving) budget: steps is for command sweeps (objective: command); here the budget is classes',
    );
}
