/**
 * The `dataset:` value of a sweep: kind, root (resolved against the directory of the file that wrote it),
 * class list (`all` = the canonical list, or for `folder` the class folders / the generator's classes) and
 * the optional generator spec of a synthetic folder dataset.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isValidName, NAME_RULE } from '../../shared/names.js';
import { printable, quoted } from '../../shared/printable.js';
import { DATASET_KINDS, MVTEC_CLASSES, VISA_CLASSES, type DatasetKind } from '../../shared/datasets.js';
import { checkKeys, describe, expectMap, fail, get, type LMap, type LNode, type Located } from './located.js';
import { scalarNumber } from './ranges.js';
import type { SyntheticDatasetSpec } from '../../shared/datasets.js';

export type { SyntheticDatasetSpec };

export interface DatasetDecl {
  kind: DatasetKind;
  root: string; // absolute
  synthetic: SyntheticDatasetSpec | null;
}

/** A dataset of the grid: its declaration plus the classes its trials run on, in order. */
export interface ResolvedDataset {
  decl: DatasetDecl;
  classes: string[];
}

const DATASET_KEYS = ['kind', 'root', 'classes', 'synthetic'];

function intIn(m: LMap, key: string, dflt: number, min: number, max: number): number {
  const n = get(m, key);
  if (!n) return dflt;
  const v = scalarNumber(n, `dataset.synthetic.${key}`);
  if (!Number.isInteger(v) || v < min || v > max)
    fail(n.loc, `dataset.synthetic.${key} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

function nameList(n: LNode, what: string): { names: string[]; nodes: LNode[] } {
  const nodes = n.kind === 'seq' ? n.items : [n];
  if (nodes.length === 0) fail(n.loc, `${what} is an empty list: give at least one class`);
  const names: string[] = [];
  for (const it of nodes) {
    if (it.kind !== 'scalar' || typeof it.value !== 'string' || !isValidName(it.value)) {
      fail(it.loc, `bad class name ${describe(it)} in ${what}`, NAME_RULE);
    }
    if (names.includes(it.value)) fail(it.loc, `class "${it.value}" listed twice in ${what}`);
    names.push(it.value);
  }
  return { names, nodes };
}

function syntheticSpec(n: LNode): SyntheticDatasetSpec {
  const m = expectMap(n, 'dataset.synthetic');
  checkKeys(m, ['classes', 'train', 'test', 'size', 'seed'], 'dataset.synthetic');
  const c = get(m, 'classes');
  if (!c) fail(m.loc, 'dataset.synthetic needs classes, the list of class names to generate');
  return {
    classes: nameList(c, 'dataset.synthetic.classes').names,
    train: intIn(m, 'train', 30, 2, 100_000),
    test: intIn(m, 'test', 20, 2, 100_000),
    size: intIn(m, 'size', 256, 32, 4096),
    seed: intIn(m, 'seed', 0, 0, 2 ** 31 - 1),
  };
}

function classFolders(root: string, rootNode: LNode): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    fail(
      rootNode.loc,
      `dataset root ${printable(root, 400)} is not a directory, so classes: all cannot list its classes (give classes or a synthetic spec)`,
    );
  }
  const found = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'train')) && existsSync(join(root, d.name, 'test')))
    .map((d) => d.name)
    .sort();
  if (found.length === 0)
    fail(rootNode.loc, `dataset root ${printable(root, 400)} has no class folder with train/ and test/`);
  const bad = found.find((c) => !isValidName(c));
  if (bad !== undefined)
    fail(rootNode.loc, `class folder ${quoted(bad)} in ${printable(root, 400)} is not a valid class name`, NAME_RULE);
  return found;
}

function canonicalClasses(kind: DatasetKind): readonly string[] {
  return kind === 'mvtec' ? MVTEC_CLASSES : VISA_CLASSES;
}

export function parseDataset(n: LNode): ResolvedDataset {
  const m = expectMap(n, 'dataset');
  checkKeys(m, DATASET_KEYS, 'dataset');
  const kindNode = get(m, 'kind');
  if (!kindNode) fail(m.loc, 'dataset needs kind', DATASET_KINDS);
  if (kindNode.kind !== 'scalar' || !(DATASET_KINDS as readonly unknown[]).includes(kindNode.value)) {
    fail(kindNode.loc, `unknown dataset kind ${describe(kindNode)}`, DATASET_KINDS);
  }
  const kind = kindNode.value as DatasetKind;
  const rootNode = get(m, 'root');
  if (!rootNode) fail(m.loc, 'dataset needs root, the dataset directory (relative to this file or absolute)');
  if (rootNode.kind !== 'scalar' || typeof rootNode.value !== 'string' || rootNode.value.trim() === '') {
    fail(rootNode.loc, `dataset.root must be a path, got ${describe(rootNode)}`);
  }
  const written = rootNode.value;
  const root =
    written === '~' || written.startsWith('~/')
      ? join(homedir(), written.slice(1))
      : resolve(dirname(rootNode.loc.file), written);
  const synNode = get(m, 'synthetic');
  if (synNode && kind !== 'folder')
    fail(synNode.loc, `dataset.synthetic is only for kind folder, not ${kind}`, ['folder']);
  const synthetic = synNode ? syntheticSpec(synNode) : null;
  const classesNode = get(m, 'classes');
  let classes: string[];
  if (!classesNode || (classesNode.kind === 'scalar' && classesNode.value === 'all')) {
    if (kind !== 'folder') classes = [...canonicalClasses(kind)];
    else classes = synthetic ? [...synthetic.classes] : classFolders(root, rootNode);
  } else {
    const { names, nodes } = nameList(classesNode, 'dataset.classes');
    const allowed = kind === 'folder' ? synthetic?.classes : canonicalClasses(kind);
    names.forEach((c, i) => {
      if (allowed && !allowed.includes(c)) {
        fail(nodes[i].loc, `unknown ${kind === 'folder' ? 'synthetic' : kind} class "${c}"`, ['all', ...allowed]);
      }
    });
    classes = names;
  }
  return { decl: { kind, root, synthetic }, classes };
}

/** One dataset mapping, or a list of them (an axis over datasets). */
export function parseDatasets(n: LNode): Located<ResolvedDataset>[] {
  if (n.kind === 'seq') {
    if (n.items.length === 0) fail(n.loc, 'dataset is an empty list: give at least one dataset');
    return n.items.map((it) => ({ value: parseDataset(it), loc: it.loc }));
  }
  return [{ value: parseDataset(n), loc: n.loc }];
}
