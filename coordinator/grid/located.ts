/**
 * A YAML document as a small tree that remembers, for every node, the file, line and column it came from.
 * Sweep files are parsed into this tree, merged (`extends:`) on it, and validated from it, so every error
 * can name the exact place in the exact file.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml';
import { UserError } from '../../shared/errors.js';
import { printable, quoted } from '../../shared/printable.js';
import { checkNesting, checkText, MAX_ALIAS_NODES, MAX_DEPTH } from './yaml-limits.js';

export interface Loc {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

/** A parsed value and the place in the sweep file it came from. */
export interface Located<T> {
  value: T;
  loc: Loc;
}

export type ScalarValue = string | number | boolean | null;

export interface LScalar {
  kind: 'scalar';
  loc: Loc;
  value: ScalarValue;
}
export interface LSeq {
  kind: 'seq';
  loc: Loc;
  items: LNode[];
}
export interface LEntry {
  key: string;
  keyLoc: Loc;
  value: LNode;
}
export interface LMap {
  kind: 'map';
  loc: Loc;
  entries: LEntry[];
}
export type LNode = LScalar | LSeq | LMap;

/** Throw a UserError located at `loc`: `FILE:LINE:COL: what (allowed: ...)`. */
export function fail(loc: Loc, what: string, allowed?: string | readonly (string | number)[]): never {
  const list = allowed === undefined ? '' : ` (allowed: ${typeof allowed === 'string' ? allowed : allowed.join(', ')})`;
  throw new UserError(`${what}${list}`, { file: loc.file, line: loc.line, column: loc.column });
}

/** Parse YAML text into a located tree. Malformed YAML fails at the first error's position. */
export function parseLocated(text: string, file: string): LNode {
  checkText(text, file);
  checkNesting(text, file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Loc => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const msg =
      e.code === 'MULTIPLE_DOCS'
        ? 'a sweep file holds one YAML document (found a second `---`)'
        : printable(e.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, ''), 200);
    fail(at(e.pos[0]), `malformed YAML: ${msg}`);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    fail(
      { file, line: 1, column: 1 },
      'empty sweep file: expected a mapping with at least `name` and `grid` or `stages`',
    );
  }
  const state: ConvertState = { at, targets: aliasTargets(doc), expanded: 0, alias: null };
  return convert(doc.contents, state, 0);
}

interface ConvertState {
  at: (offset: number) => Loc;
  /** the node each alias stands for (the last anchor of its name before it) */
  targets: Map<Alias, Node>;
  /** nodes made so far by expanding aliases, repeats included */
  expanded: number;
  /** the outermost alias being expanded, if any */
  alias: Loc | null;
}

/** Resolve every alias in one pass in document order (yaml's own resolve() walks the whole document each time). */
function aliasTargets(doc: Document): Map<Alias, Node> {
  const latest = new Map<string, Node>();
  const out = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const t = latest.get(node.source);
        if (t) out.set(node, t);
      } else if (node.anchor) {
        latest.set(node.anchor, node);
      }
    },
  });
  return out;
}

function convert(node: Node, st: ConvertState, depth: number): LNode {
  const loc = st.at(node.range?.[0] ?? 0);
  if (depth > MAX_DEPTH) fail(loc, `YAML nested too deeply (more than ${MAX_DEPTH} levels)`);
  if (st.alias && ++st.expanded > MAX_ALIAS_NODES) {
    fail(
      st.alias,
      `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes (an alias bomb?): write the values out or use fewer aliases`,
    );
  }
  if (isAlias(node)) {
    const target = st.targets.get(node);
    if (!target) fail(loc, `unknown YAML alias *${printable(node.source)}`);
    const outer = st.alias;
    st.alias ??= loc;
    const out = convert(target, st, depth + 1);
    st.alias = outer;
    return out;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'scalar', loc, value: v };
    }
    if (typeof v === 'bigint') return { kind: 'scalar', loc, value: Number(v) };
    return fail(loc, `unsupported YAML value of type ${typeof v}`);
  }
  if (isSeq(node)) {
    return { kind: 'seq', loc, items: node.items.map((it) => convert(it as Node, st, depth + 1)) };
  }
  if (isMap(node)) {
    const entries: LEntry[] = [];
    const merged: LEntry[] = [];
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const keyLoc = k ? st.at(k.range?.[0] ?? 0) : loc;
      if (!k || !isScalar(k) || k.value === null || typeof k.value === 'object')
        fail(keyLoc, 'mapping keys must be plain names');
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
      const key = String(k.value);
      const value: LNode = pair.value
        ? convert(pair.value as Node, st, depth + 1)
        : { kind: 'scalar', loc: keyLoc, value: null };
      if (key === '<<') merged.push(...mergeKeyEntries(value));
      else entries.push({ key, keyLoc, value });
    }
    // YAML merge keys (`<<: *anchor`): the mapping's own keys win, then earlier merged mappings
    for (const e of merged) if (!entries.some((x) => x.key === e.key)) entries.push(e);
    return { kind: 'map', loc, entries };
  }
  return fail(loc, 'unsupported YAML node');
}

function mergeKeyEntries(v: LNode): LEntry[] {
  const maps = v.kind === 'seq' ? v.items : [v];
  return maps.flatMap((m) => {
    if (m.kind !== 'map') fail(m.loc, `a merge key (<<) takes a mapping or a list of mappings, got ${describe(m)}`);
    return m.entries;
  });
}

export function entry(m: LMap, key: string): LEntry | undefined {
  return m.entries.find((e) => e.key === key);
}

export function get(m: LMap, key: string): LNode | undefined {
  const e = entry(m, key);
  return e && !isNull(e.value) ? e.value : undefined;
}

export function isNull(n: LNode): boolean {
  return n.kind === 'scalar' && n.value === null;
}

/** Reject keys that are not in `allowed`, naming the key and the allowed ones. */
export function checkKeys(m: LMap, allowed: readonly string[], where: string): void {
  for (const e of m.entries) {
    if (!allowed.includes(e.key)) fail(e.keyLoc, `unknown key ${quoted(e.key)} in ${where}`, allowed);
  }
}

export function expectMap(n: LNode, what: string): LMap {
  if (n.kind !== 'map') fail(n.loc, `${what} must be a mapping, got ${describe(n)}`);
  return n;
}

export function describe(n: LNode): string {
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'null';
  return typeof n.value === 'string' ? quoted(n.value) : String(n.value);
}

/** Mappings that stand for one value and are replaced whole, never merged key by key. */
function isAtomic(m: LMap): boolean {
  return m.entries.some((e) => e.key === 'range' || e.key === 'logrange');
}

/**
 * `extends:` merge: mappings merge key by key (base order first, then the child's new keys), anything else
 * is replaced by the child's value, and a child `null` removes the key.
 */
export function mergeNodes(base: LNode, child: LNode): LNode {
  if (base.kind !== 'map' || child.kind !== 'map' || isAtomic(base) || isAtomic(child)) return child;
  const out: LEntry[] = [];
  for (const b of base.entries) {
    const c = entry(child, b.key);
    if (!c) out.push(b);
    else if (!isNull(c.value)) out.push({ key: b.key, keyLoc: c.keyLoc, value: mergeNodes(b.value, c.value) });
  }
  for (const c of child.entries) {
    if (!entry(base, c.key) && !isNull(c.value)) out.push(c);
  }
  return { kind: 'map', loc: child.loc, entries: out };
}

/** Plain JS value of a located tree (for the canonical dump of a merged file). */
export function toPlain(n: LNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toPlain);
  return Object.fromEntries(n.entries.map((e) => [e.key, toPlain(e.value)]));
}
