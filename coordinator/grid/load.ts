/**
 * Sweep files: read, resolve `extends:` (bases merged first, key by key), validate the top level,
 * parse and expand every stage, and collect the trials. Nothing is written anywhere; every problem is a
 * UserError naming file, line and column.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { isValidName, NAME_RULE } from '../../shared/names.js';
import { printable, quoted } from '../../shared/printable.js';
import type { TrialSpec } from '../../shared/trial.js';
import type { DatasetDecl } from './dataset.js';
import { expandCommandTree, isCommandSweep } from './command-sweep.js';
import { expandStage } from './expand.js';
import {
  checkKeys,
  describe,
  entry,
  expectMap,
  fail,
  get,
  mergeNodes,
  parseLocated,
  toPlain,
  type LEntry,
  type LMap,
  type LNode,
  type Loc,
} from './located.js';
import { rejectNulls } from './nulls.js';
import { combineStage, parseStage, STAGE_KEYS } from './stage.js';
import { MAX_SWEEP_BYTES, tooLarge } from './yaml-limits.js';
import { checkBudgetKind, parseSearch } from './search.js';
import { applySearch, type ContinuousAxis } from '../search/plan.js';
import type { HalvingPlan, SearchSpec } from '../search/spec.js';

export interface ExpandedStage {
  name: string;
  trials: TrialSpec[];
}

export interface ExpandedSweep {
  name: string;
  /** absolute path of the sweep file */
  sourcePath: string;
  /** the file text; after `extends:`, a YAML dump of the merged document (deterministic) */
  sourceYaml: string;
  sourceHash: string;
  maxAttempts: number;
  datasets: DatasetDecl[];
  stages: ExpandedStage[];
  /** distinct grid points per stage (a point counts when it gave at least one trial of that stage) */
  points: Record<string, number>;
  /** all stages in order, deduplicated by key (the first stage wins); with search random or halving, the sampled points' (rung 0's) */
  trials: TrialSpec[];
  /** how the space is searched (docs/sweep-format.md#search) */
  search: SearchSpec;
  /** grid points searched: all of them (grid), the sampled ones (random), every rung-0 point (halving) */
  searchPoints: number;
  /** halving only: every point with its classes in budget order (the store creates the later rungs from it) */
  halving: HalvingPlan | null;
}

export interface ExpandOptions {
  /** expand only these stages (file order is kept) */
  stages?: string[];
}

export const TOP_KEYS = [
  'name',
  'description',
  'extends',
  'retries',
  'search',
  'stages',
  ...STAGE_KEYS.filter((k) => k !== 'description'),
];
const MAX_EXTENDS_DEPTH = 16;

interface Loaded {
  tree: LMap;
  files: string[];
}

/**
 * Read a sweep file: only a regular file (not a device, FIFO or directory: `extends: /dev/zero` must not read
 * for ever), at most MAX_SWEEP_BYTES, as UTF-8. Opened non-blocking, so a FIFO cannot hang the open.
 */
function readText(path: string, display: string, from?: Loc): string {
  const what = from ? `extends: base file ${printable(display, 400)}` : `sweep file ${printable(display, 400)}`;
  const refuse = (why: string): never => {
    if (from) fail(from, `${what} ${why}`);
    throw new UserError(`${what} ${why}`, { file: display });
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return refuse(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) refuse(`is ${fileKind(st)}, not a regular file`);
    if (st.size > MAX_SWEEP_BYTES) refuse(`${tooLarge(st.size)}`);
    const buf = Buffer.alloc(MAX_SWEEP_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_SWEEP_BYTES) refuse(tooLarge(n));
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  return 'a socket';
}

function loadTree(text: string, display: string, chain: readonly string[]): Loaded {
  const m = expectMap(parseLocated(text, display), 'a sweep file');
  const ext = entry(m, 'extends');
  if (!ext || (ext.value.kind === 'scalar' && ext.value.value === null)) return { tree: m, files: [display] };
  const list = ext.value.kind === 'seq' ? ext.value.items : [ext.value];
  let merged: LMap | null = null;
  const files: string[] = [];
  for (const it of list) {
    if (it.kind !== 'scalar' || typeof it.value !== 'string' || it.value === '')
      fail(it.loc, `extends must be a file path or a list of them, got ${describe(it)}`);
    const abs = resolve(dirname(resolve(display)), it.value);
    const shown = isAbsolute(it.value) ? it.value : join(dirname(display), it.value);
    if (chain.includes(abs)) fail(it.loc, `extends cycle: ${printable(shown, 400)} is already being loaded`);
    if (chain.length >= MAX_EXTENDS_DEPTH) fail(it.loc, `extends chain deeper than ${MAX_EXTENDS_DEPTH} files`);
    if (!existsSync(abs)) fail(it.loc, `extends: base file ${printable(shown, 400)} not found`);
    const base = loadTree(readText(abs, shown, it.loc), shown, [...chain, abs]);
    merged = merged ? (mergeNodes(merged, base.tree) as LMap) : base.tree;
    files.push(...base.files);
  }
  const own: LMap = { ...m, entries: m.entries.filter((e) => e.key !== 'extends') };
  return { tree: mergeNodes(merged as LMap, own) as LMap, files: [display, ...files] };
}

function sweepName(m: LMap): string {
  const n = get(m, 'name');
  if (!n) fail(m.loc, `the sweep needs a name (${NAME_RULE})`);
  const v = n.kind === 'scalar' && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : '';
  if (!isValidName(v)) fail(n.loc, `bad sweep name ${describe(n)}`, NAME_RULE);
  return v;
}

function maxAttempts(m: LMap): number {
  const n = get(m, 'retries');
  if (!n) return 3;
  if (
    n.kind !== 'scalar' ||
    typeof n.value !== 'number' ||
    !Number.isInteger(n.value) ||
    n.value < 1 ||
    n.value > 100
  ) {
    fail(n.loc, `retries (max attempts per trial) must be an integer from 1 to 100, got ${describe(n)}`);
  }
  return n.value;
}

function stageEntries(m: LMap): { name: string; tree: LMap }[] {
  const shared: LMap = {
    kind: 'map',
    loc: m.loc,
    entries: m.entries.filter((e) => (STAGE_KEYS as readonly string[]).includes(e.key)),
  };
  const stagesNode = get(m, 'stages');
  if (!stagesNode) return [{ name: 'main', tree: shared }];
  const sm = expectMap(stagesNode, 'stages');
  const live = sm.entries.filter((e: LEntry) => !(e.value.kind === 'scalar' && e.value.value === null));
  if (live.length === 0) fail(sm.loc, 'stages is empty: declare at least one stage with a grid');
  return live.map((e) => {
    if (!isValidName(e.key)) fail(e.keyLoc, `bad stage name ${quoted(e.key)}`, NAME_RULE);
    return { name: e.key, tree: combineStage(shared, expectMap(e.value, `stage "${e.key}"`)) };
  });
}

function sourceFields(
  display: string,
  sourceYaml: string,
): Pick<ExpandedSweep, 'sourcePath' | 'sourceYaml' | 'sourceHash'> {
  return {
    sourcePath: resolve(display),
    sourceYaml,
    sourceHash: createHash('sha256').update(sourceYaml).digest('hex'),
  };
}

/** A command sweep (`objective: command`): one stage, `main`; no datasets; grid, random or halving over steps. */
function expandCommand(tree: LMap, display: string, sourceYaml: string, opts: ExpandOptions): ExpandedSweep {
  const name = sweepName(tree);
  const attempts = maxAttempts(tree);
  const searchNode = get(tree, 'search');
  const search = parseSearch(searchNode);
  checkBudgetKind(searchNode, search, true);
  const { trials, points } = expandCommandTree(tree, display, search.kind === 'halving');
  for (const s of opts.stages ?? [])
    if (s !== 'main') throw new UserError(`unknown stage "${s}" (allowed: main)`, { file: display });
  const searched = applySearch(search, trials);
  if (search.kind === 'random' && searched.points < search.n)
    fail(
      (searchNode as LNode).loc,
      `search (random) n ${search.n} is more than the ${searched.points} points of the sweep`,
    );
  return {
    name,
    ...sourceFields(display, sourceYaml),
    maxAttempts: attempts,
    datasets: [],
    stages: [{ name: 'main', trials }],
    points: { main: points },
    trials: searched.trials,
    search,
    searchPoints: searched.points,
    halving: searched.halving,
  };
}

function expandTree(tree: LMap, display: string, sourceYaml: string, opts: ExpandOptions): ExpandedSweep {
  if (isCommandSweep(tree)) return expandCommand(tree, display, sourceYaml, opts);
  checkKeys(tree, TOP_KEYS, 'the sweep file');
  rejectNulls(tree);
  const name = sweepName(tree);
  const attempts = maxAttempts(tree);
  const search = parseSearch(get(tree, 'search'));
  checkBudgetKind(get(tree, 'search'), search, false);
  let plans = stageEntries(tree).map((s) => parseStage(s.name, s.tree)); // every stage is validated
  if (opts.stages && opts.stages.length > 0) {
    const known = plans.map((s) => s.name);
    for (const s of opts.stages) {
      if (!known.includes(s))
        throw new UserError(`unknown stage ${quoted(s)} (allowed: ${known.join(', ')})`, { file: display });
    }
    plans = plans.filter((s) => opts.stages?.includes(s.name));
  }
  const expanded = plans.map((plan) => {
    const out = expandStage(plan);
    if (out.trials.length === 0) fail(plan.loc, `stage "${plan.name}" expands to no trials (every point is excluded)`);
    return out;
  });
  const seen = new Set<string>();
  const trials: TrialSpec[] = [];
  const datasets = new Map<string, DatasetDecl>();
  for (const st of expanded) {
    for (const t of st.trials) {
      if (seen.has(t.key)) continue;
      seen.add(t.key);
      trials.push(t);
    }
  }
  const continuous = new Map<string, ContinuousAxis>();
  for (const plan of plans) {
    for (const [param, c] of plan.continuous) {
      if (search.kind !== 'random')
        fail(
          c.loc,
          `${param}: a continuous range is drawn only by search: {kind: random, n: N} (this sweep's search is ${search.kind})`,
        );
      continuous.set(param, { param, low: c.low, high: c.high, log: c.log });
    }
  }
  const searched = applySearch(search, trials, [...continuous.values()]);
  if (search.kind === 'random' && searched.points < search.n) {
    const n = get(tree, 'search') as LNode;
    fail(n.loc, `search (random) n ${search.n} is more than the ${searched.points} points of the grid`);
  }
  for (const plan of plans) {
    for (const d of plan.axes.dataset ?? []) datasets.set(JSON.stringify(d.value.decl), d.value.decl);
  }
  return {
    name,
    ...sourceFields(display, sourceYaml),
    maxAttempts: attempts,
    datasets: [...datasets.values()],
    stages: expanded.map((s) => ({ name: s.name, trials: s.trials })),
    points: Object.fromEntries(expanded.map((s) => [s.name, s.points])),
    trials: searched.trials,
    search,
    searchPoints: searched.points,
    halving: searched.halving,
  };
}

/** The tree with every dataset root (a `root` next to a `kind`) and a command sweep's `cwd` made absolute, so a merged dump stands alone. */
function absoluteRoots(n: LNode): LNode {
  if (n.kind === 'seq') return { ...n, items: n.items.map(absoluteRoots) };
  if (n.kind !== 'map') return n;
  const isDataset = n.entries.some((e) => e.key === 'kind');
  const entries = n.entries.map((e): LEntry => {
    const v = e.value;
    if (((isDataset && e.key === 'root') || e.key === 'cwd') && v.kind === 'scalar' && typeof v.value === 'string') {
      return { ...e, value: { ...v, value: resolve(dirname(v.loc.file), v.value) } };
    }
    return { ...e, value: absoluteRoots(v) };
  });
  return { ...n, entries };
}

/** Expand sweep YAML text; `fileName` names it in errors and anchors relative paths (dataset roots, extends). */
export function expandSweepText(text: string, fileName: string, opts: ExpandOptions = {}): ExpandedSweep {
  const { tree, files } = loadTree(text, fileName, [resolve(fileName)]);
  const sourceYaml =
    files.length === 1
      ? text
      : `# merged document of an extends: chain of ${files.length} files (dataset roots made absolute)\n` +
        stringify(toPlain(absoluteRoots(tree)), { lineWidth: 0 });
  return expandTree(tree, fileName, sourceYaml, opts);
}

/** Read and expand a sweep file. Throws UserError (exit code 2) on any bad input. */
export function loadSweepFile(path: string, opts: ExpandOptions = {}): ExpandedSweep {
  return expandSweepText(readText(path, path), path, opts);
}
