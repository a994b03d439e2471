/**
 * A command sweep (`objective: command` at the top of the file): the argv template, its working directory
 * and timeout, the typed free parameters and their rules, expanded into trials (the product of the
 * parameters in file order, first outermost). Every `{placeholder}` of the template must be a declared
 * parameter or a built-in one, checked here before anything is stored (the error names its line).
 */
import { dirname, resolve } from 'node:path';
import {
  BUDGET_PLACEHOLDER,
  BUILTIN_PLACEHOLDERS,
  placeholders,
  type CommandSpec,
  type CommandValue,
} from '../../shared/command.js';
import { canonicalParams, trialKey, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import {
  keepFreePoint,
  parseFreeCondition,
  parseFreeMatch,
  parseFreeParams,
  type FreeParam,
} from './command-params.js';
import { checkKeys, describe, fail, get, type LMap, type LNode } from './located.js';
import { MAX_STAGE_TRIALS } from './count.js';
import { DEFAULTS } from './params.js';

export const COMMAND_TOP_KEYS = [
  'name',
  'description',
  'extends',
  'retries',
  'objective',
  'command',
  'cwd',
  'timeout_s',
  'search',
  'params',
  'exclude',
  'conditions',
];

/** The class a command trial carries (the store and the reports group by class; a command sweep has one). */
export const COMMAND_CLASS = 'command';

/** Does this file declare a command sweep (`objective: command` at its top level)? */
export function isCommandSweep(tree: LMap): boolean {
  const o = get(tree, 'objective');
  if (!o) return false;
  if (o.kind !== 'scalar' || o.value !== 'command') {
    fail(
      o.loc,
      `a top-level objective must be "command" (a command sweep), got ${describe(o)}; set other objectives in grid`,
      ['command'],
    );
  }
  return true;
}

function argvOf(n: LNode | undefined, tree: LMap, params: readonly FreeParam[], steps: boolean): string[] {
  if (!n) fail(tree.loc, 'a command sweep needs command: [program, arg, ...], e.g. [python3, train.py, --lr, "{lr}"]');
  if (n.kind !== 'seq' || n.items.length === 0)
    fail(n.loc, `command must be a non-empty list [program, arg, ...], got ${describe(n)}`);
  const known = new Set<string>([
    ...params.map((p) => p.name),
    ...BUILTIN_PLACEHOLDERS,
    ...(steps ? [BUDGET_PLACEHOLDER] : []),
  ]);
  return n.items.map((it, i) => {
    if (it.kind !== 'scalar' || it.value === null || typeof it.value === 'object')
      fail(it.loc, `command[${i}] must be a string, got ${describe(it)}`);
    const text = String(it.value);
    if (i === 0 && text === '') fail(it.loc, 'command[0] (the program) is empty');
    let names: string[];
    try {
      names = placeholders(text);
    } catch (err) {
      return fail(it.loc, `command[${i}]: ${(err as Error).message}`);
    }
    if (i === 0 && names.length > 0)
      fail(
        it.loc,
        'command[0] (the program) cannot hold a placeholder: a worker checks it against its --allow-command list',
      );
    for (const name of names) {
      if (name === BUDGET_PLACEHOLDER && !known.has(name))
        fail(
          it.loc,
          `command[${i}] uses {budget}, which only a halving search sets: search: {kind: halving, budget: steps, max_budget: N}`,
        );
      if (!known.has(name)) fail(it.loc, `command[${i}] uses {${name}}, which is not a declared parameter`, [...known]);
    }
    return text;
  });
}

function timeoutOf(n: LNode | undefined): number | null {
  if (!n) return null;
  if (n.kind !== 'scalar' || typeof n.value !== 'number' || !Number.isFinite(n.value) || n.value <= 0)
    fail(n.loc, `timeout_s must be a number of seconds > 0, got ${describe(n)}`);
  return n.value;
}

function cwdOf(n: LNode | undefined, display: string): string {
  const base = dirname(resolve(display));
  if (!n) return base;
  if (n.kind !== 'scalar' || typeof n.value !== 'string' || n.value === '')
    fail(n.loc, `cwd must be a directory path, got ${describe(n)}`);
  return resolve(dirname(resolve(n.loc.file)), n.value);
}

function seq(n: LNode | undefined, what: string): LNode[] {
  if (!n) return [];
  if (n.kind !== 'seq') fail(n.loc, `${what} must be a list, got ${describe(n)}`);
  return n.items;
}

/** The trial of one point: the wepadim parameters at their defaults, the command carrying the point. */
function commandTrial(spec: Omit<CommandSpec, 'params'>, point: Record<string, CommandValue>): TrialParams {
  return canonicalParams({
    ...DEFAULTS,
    objective: 'command',
    dataset: 'folder',
    root: spec.cwd,
    class: COMMAND_CLASS,
    synthetic: null,
    selection: null,
    command: { ...spec, params: point },
  });
}

/**
 * Expand a command sweep's tree (the top level already merged with its `extends:` bases). `steps`: the
 * sweep searches by halving with `budget: steps`, so `{budget}` is a built-in and no parameter may be named so.
 */
export function expandCommandTree(tree: LMap, display: string, steps = false): { trials: TrialSpec[]; points: number } {
  checkKeys(tree, COMMAND_TOP_KEYS, 'a command sweep');
  const pn = get(tree, 'params');
  if (!pn) fail(tree.loc, 'a command sweep needs params: {name: {type: int|float|str|bool|choice, values: ...}}');
  const params = parseFreeParams(pn);
  const clash = params.find((p) => p.name === BUDGET_PLACEHOLDER);
  if (steps && clash)
    fail(clash.loc, 'a parameter cannot be named budget in a halving sweep with budget: steps (the rung sets it)');
  const argv = argvOf(get(tree, 'command'), tree, params, steps);
  const spec = { argv, cwd: cwdOf(get(tree, 'cwd'), display), timeout_s: timeoutOf(get(tree, 'timeout_s')) };
  const exclude = seq(get(tree, 'exclude'), 'exclude').map((r, i) => parseFreeMatch(r, `exclude[${i}]`, params));
  const conditions = seq(get(tree, 'conditions'), 'conditions').map((c, i) =>
    parseFreeCondition(c, `conditions[${i}]`, params),
  );
  const trials: TrialSpec[] = [];
  const seen = new Set<string>();
  const point: Record<string, CommandValue> = {};
  const rec = (i: number): void => {
    if (i === params.length) {
      if (!keepFreePoint(point, exclude, conditions)) return;
      const p = commandTrial(spec, { ...point });
      const key = trialKey(p);
      if (seen.has(key)) return;
      seen.add(key);
      if (trials.length >= MAX_STAGE_TRIALS)
        fail(tree.loc, `the command sweep expands to more than ${MAX_STAGE_TRIALS} trials`);
      trials.push({ key, stage: 'main', params: p });
      return;
    }
    for (const v of params[i].values) {
      point[params[i].name] = v.value;
      rec(i + 1);
    }
  };
  rec(0);
  if (trials.length === 0) fail(tree.loc, 'the command sweep expands to no trials (every point is excluded)');
  return { trials, points: trials.length };
}
