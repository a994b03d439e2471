/**
 * The repository's import graph as the TypeScript parser sees it: every static import, `export ... from`,
 * `import type`, `import x = require()`, `require('...')` and `import('...')` of every .ts file, resolved
 * to repository paths. Used by the architecture tests (layer boundaries, no cycles, no hidden imports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  from: string; // repository-relative path, '/'-separated
  to: string; // the specifier resolved against `from` (relative imports) or the bare package name
  line: number; // 1-based
  typeOnly: boolean;
}

export interface FileImports {
  edges: ImportEdge[];
  /** `import(expr)` / `require(expr)` whose argument is not a string literal: an edge tsc cannot see */
  hidden: { from: string; line: number; text: string }[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage']);

/** Every .ts file under `root` (repository-relative, '/'-separated), skipping node_modules and dot folders. */
export function tsFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name) || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(root, p));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
      out.push(relative(root, p).split(sep).join('/'));
  }
  return out.sort();
}

function resolveSpecifier(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

/** The imports of one file's source text; `file` is its repository-relative path. */
export function importsOf(file: string, text: string): FileImports {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const hidden: FileImports['hidden'] = [];
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const add = (n: ts.Node, spec: string, typeOnly: boolean): void => {
    edges.push({ from: file, to: resolveSpecifier(file, spec), line: lineOf(n), typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n, n.moduleSpecifier.text, n.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n, n.moduleSpecifier.text, n.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      const e = n.moduleReference.expression;
      if (ts.isStringLiteral(e)) add(n, e.text, n.isTypeOnly);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n, n.argument.literal.text, true); // `import('x').T` in a type position
    } else if (ts.isCallExpression(n)) {
      const isImport = n.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(n.expression) && n.expression.text === 'require';
      if (isImport || isRequire) {
        const arg = n.arguments[0];
        if (arg && ts.isStringLiteralLike(arg)) add(n, arg.text, false);
        else hidden.push({ from: file, line: lineOf(n), text: n.getText(sf) });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { edges, hidden };
}

/** The whole graph of the .ts files under `root`. */
export function importGraph(root: string): { files: string[]; edges: ImportEdge[]; hidden: FileImports['hidden'] } {
  const files = tsFiles(root);
  const edges: ImportEdge[] = [];
  const hidden: FileImports['hidden'] = [];
  for (const f of files) {
    const r = importsOf(f, readFileSync(join(root, f), 'utf8'));
    edges.push(...r.edges);
    hidden.push(...r.hidden);
  }
  return { files, edges, hidden };
}

/** Top-level folder of a repository path ('' for a file at the root). */
export function topFolder(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Strongly connected components of more than one file (import cycles), each sorted, via Tarjan's algorithm. */
export function importCycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const known = new Set(files);
  const next = new Map<string, string[]>();
  for (const e of edges) if (known.has(e.to)) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(c.sort());
    }
  };
  for (const f of files) if (!index.has(f)) strong(f);
  return cycles;
}
