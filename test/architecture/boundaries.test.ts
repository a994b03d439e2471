/**
 * The layering of the repository, checked on every import of every .ts file (static, `export from`,
 * type-only, `import()` and `require()`):
 *   shared/, proto/        the bottom: import nothing of the project above them
 *   coordinator/, worker/  peers: they meet only at shared/ and proto/
 *   local/                 one-machine `wepadim run`: a composition of coordinator and workers
 *   cli/, bin/             the top
 * plus: no import cycles, and no `import(variable)` that hides an edge from tsc.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importsOf, topFolder, type ImportEdge } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** For each top folder, the top folders of the project it must not import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  shared: ['proto', 'coordinator', 'worker', 'local', 'cli', 'bin', 'bench', 'test'],
  proto: ['coordinator', 'worker', 'local', 'cli', 'bin', 'bench', 'test'],
  coordinator: ['worker', 'local', 'cli', 'bin', 'bench', 'test'],
  worker: ['coordinator', 'local', 'cli', 'bin', 'bench', 'test'],
  local: ['cli', 'bin', 'bench', 'test'],
  cli: ['bench', 'test'],
};

/** The edges that break the layering, as `from:line -> to` lines. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => (FORBIDDEN[topFolder(e.from)] ?? []).includes(topFolder(e.to)))
    .map((e) => `${e.from}:${e.line} -> ${e.to}`);
}

const graph = importGraph(ROOT);

/** `import(expr)` calls that load on purpose by a computed name, and why no typed edge can replace them. */
const DYNAMIC_BY_DESIGN: Record<string, string> = {
  'cli/registry.ts': 'loads every file of cli/commands/ (the command folder is the registry)',
  'worker/executors/tfjs/tfjs-load.ts': 'probes optional npm packages (tfjs-node) that may not be installed',
};

describe('import scanner', () => {
  it('sees every kind of import and resolves it to a repository path', () => {
    const src = [
      "import { a } from '../coordinator/store/db.js';",
      "import type { B } from '../../shared/trial.js';",
      "export { c } from './c.js';",
      "export * from 'yaml';",
      "const m = await import('../coordinator/grid/index.js');",
      "type T = import('../proto/load.js').Thing;",
      "import fs = require('node:fs');",
      "const name = './x.js'; const h = await import(name);",
    ].join('\n');
    const r = importsOf('worker/runner/x.ts', src);
    expect(r.edges.map((e) => [e.to, e.line, e.typeOnly])).toEqual([
      ['worker/coordinator/store/db.ts', 1, false],
      ['shared/trial.ts', 2, true],
      ['worker/runner/c.ts', 3, false],
      ['yaml', 4, false],
      ['worker/coordinator/grid/index.ts', 5, false],
      ['worker/proto/load.ts', 6, true],
      ['node:fs', 7, false],
    ]);
    expect(r.hidden).toEqual([{ from: 'worker/runner/x.ts', line: 8, text: 'import(name)' }]);
  });

  it('flags a worker -> coordinator import, in both directions, and local -> cli', () => {
    const edges = [
      ...importsOf('worker/runner/run.ts', "import { SweepStore } from '../../coordinator/store/sweep-store.js';")
        .edges,
      ...importsOf('coordinator/report/x.ts', "export type { Objective } from '../../worker/objective-types.js';")
        .edges,
      ...importsOf('coordinator/grid/y.ts', "const m = await import('../../local/run-local.js');").edges,
      ...importsOf('local/z.ts', "import { main } from '../cli/main.js';").edges,
      ...importsOf('worker/client/ok.ts', "import { x } from '../../shared/trial.js';").edges,
      ...importsOf('cli/commands/ok.ts', "import { y } from '../../local/run-local.js';").edges,
    ];
    expect(layerViolations(edges)).toEqual([
      'worker/runner/run.ts:1 -> coordinator/store/sweep-store.ts',
      'coordinator/report/x.ts:1 -> worker/objective-types.ts',
      'coordinator/grid/y.ts:1 -> local/run-local.ts',
      'local/z.ts:1 -> cli/main.ts',
    ]);
  });

  it('finds cycles, including a file importing itself', () => {
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts'];
    const e = (from: string, to: string): ImportEdge => ({ from, to, line: 1, typeOnly: false });
    expect(importCycles(files, [e('a.ts', 'b.ts'), e('b.ts', 'c.ts'), e('c.ts', 'a.ts'), e('d.ts', 'd.ts')])).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
      ['d.ts'],
    ]);
    expect(importCycles(files, [e('a.ts', 'b.ts'), e('b.ts', 'c.ts'), e('a.ts', 'c.ts')])).toEqual([]);
  });
});

describe('the repository', () => {
  it('is scanned whole (the scan is not vacuous)', () => {
    for (const top of ['coordinator', 'worker', 'local', 'shared', 'cli']) {
      expect(graph.files.filter((f) => topFolder(f) === top).length, top).toBeGreaterThan(3);
    }
    const worker = graph.edges.filter((e) => topFolder(e.from) === 'worker' && topFolder(e.to) === 'shared');
    const local = graph.edges.filter((e) => topFolder(e.from) === 'local' && topFolder(e.to) === 'coordinator');
    expect(worker.length).toBeGreaterThan(20);
    expect(local.length).toBeGreaterThan(0);
  });

  it('keeps worker/ and coordinator/ apart: they meet only at shared/ and proto/', () => {
    expect(layerViolations(graph.edges)).toEqual([]);
  });

  it('has no import cycles among its own files', () => {
    expect(importCycles(graph.files, graph.edges)).toEqual([]);
  });

  it('has no import whose module name tsc cannot see (import(variable))', () => {
    const unexplained = graph.hidden.filter((h) => DYNAMIC_BY_DESIGN[h.from] === undefined);
    expect(unexplained.map((h) => `${h.from}:${h.line} ${h.text}`)).toEqual([]);
  });

  it('resolves every relative import to a file that exists', () => {
    const known = new Set(graph.files);
    const missing = graph.edges
      .filter((e) => e.to.endsWith('.ts') && !known.has(e.to))
      .map((e) => `${e.from}:${e.line} -> ${e.to}`);
    expect(missing).toEqual([]);
  });
});
