/**
 * A YAML document as a small tree that remembers, for every node, the file, line and column it came from.
 * Sweep files are parsed into this tree, merged (`extends:`) on it, and validated from it, so every error
 * can name the exact place in the exact file.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { UserError } from '../../shared/errors.js';

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
        : e.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
    fail(at(e.pos[0]), `malformed YAML: ${msg}`);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    fail({ file, line: 1, column: 1 }, 'empty sweep file: expected a mapping with at least `name` and `grid` or `stages`');
  }
  return convert(doc.contents as Node, doc, at, 0);
}

function convert(node: Node, doc: Document, at: (offset: number) => Loc, depth: number): LNode {
  if (depth > 64) fail(at(node.range?.[0] ?? 0), 'YAML nested too deeply (more than 64 levels)');
  const loc = at(node.range?.[0] ?? 0);
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) fail(loc, `unknown YAML alias *${node.source}`);
    return convert(target as Node, doc, at, depth + 1);
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
    return { kind: 'seq', loc, items: node.items.map((it) => convert(it as Node, doc, at, depth + 1)) };
  }
  if (isMap(node)) {
    const entries: LEntry[] = [];
    const merged: LEntry[] = [];
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const keyLoc = k ? at(k.range?.[0] ?? 0) : loc;
      if (!k || !isScalar(k) || k.value === null || typeof k.value === 'object') fail(keyLoc, 'mapping keys must be plain names');
      const key = String(k.value);
      const value: LNode = pair.value
        ? convert(pair.value as Node, doc, at, depth + 1)
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
    if (!allowed.includes(e.key)) fail(e.keyLoc, `unknown key "${e.key}" in ${where}`, allowed);
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
  return typeof n.value === 'string' ? `"${n.value}"` : String(n.value);
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
