/**
 * `npm run bench`: runs every benchmark, one child process at a time (they measure CPU time on a shared
 * 2-core machine, so never in parallel), streams their output, and appends a dated section with the
 * commit and each benchmark's printed summary to docs/BENCHMARKS.md. Each benchmark prints ratios
 * against a baseline it measures in the same run; per-area detail files (docs/BENCHMARKS-<area>.md) are
 * appended by the benchmarks themselves where they support it.
 *
 * Usage: npm run bench [-- --only engine,runner] [-- --quick]; the scale benchmark runs only when named (--only scale)
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { codeVersion, repoRoot } from '../shared/version.js';

interface BenchSpec {
  name: string;
  file: string;
  args: string[];
  quickArgs: string[];
  what: string;
  /** only with --only (too long for the default pass) */
  optIn?: boolean;
}

const BENCHES: readonly BenchSpec[] = [
  { name: 'grid', file: 'bench/grid.ts', args: [], quickArgs: [], what: 'sweep expansion vs key hashing' },
  {
    name: 'leaderboard',
    file: 'bench/leaderboard.ts',
    args: [],
    quickArgs: ['--trials', '20000'],
    what: 'leaderboard queries on 1,000,000 metric rows',
  },
  {
    name: 'data',
    file: 'bench/data.ts',
    args: [],
    quickArgs: [],
    what: 'synthetic generation and Pillow-exact resize vs sharp',
  },
  {
    name: 'backbone',
    file: 'bench/backbone.ts',
    args: [],
    quickArgs: ['--reps', '1'],
    what: 'backbone images/s per executor vs PyTorch CPU',
  },
  {
    name: 'engine',
    file: 'bench/engine.ts',
    args: [],
    quickArgs: ['--quick'],
    what: 'Woodbury vs direct Gaussian at P=64 D=2240 N=391',
  },
  {
    name: 'coordinator',
    file: 'bench/coordinator.ts',
    args: [],
    quickArgs: ['1000', '16', '8'],
    what: 'lease store and gRPC coordinator throughput',
  },
  {
    name: 'dashboard',
    file: 'bench/dashboard.ts',
    args: [],
    quickArgs: ['--trials', '20000', '--open', '2000', '--seconds', '8'],
    what: 'dashboard views on 1,000,000 metric rows; live stream with 64 workers',
  },
  {
    name: 'dispatch',
    file: 'bench/dispatch.ts',
    args: [],
    quickArgs: ['--no-optuna', '--trials', '4000'],
    what: 'zero-work trials through the full path, 64 workers, vs Optuna SQLite',
  },
  {
    name: 'halving',
    file: 'bench/halving.ts',
    args: [],
    quickArgs: [],
    what: 'successive halving / ASHA replayed on the Phase-1 synthetic full grid: trials to reach its best point',
  },
  {
    name: 'runner',
    file: 'bench/runner.ts',
    args: ['--append'],
    quickArgs: ['--skip-rss'],
    what: 'cold point, phase-1 grid shared vs unshared, peak RSS',
  },
  // several minutes of wide_resnet50_2 on 501 images: run it with --only tap-rss
  {
    name: 'tap-rss',
    file: 'bench/tap-rss.ts',
    args: [],
    quickArgs: [],
    what: 'worker peak RSS, wide_resnet50_2 on a 391/110-image class, with and without --max-rss',
    optIn: true,
  },
  // long (the full phase-1 grid over MVTec AD's 15 classes at real sizes): not in the default set, run it with --only scale
  {
    name: 'scale',
    file: 'bench/scale.ts',
    args: [],
    quickArgs: ['--quick'],
    what: 'MVTec-scale sweeps: wall, CPU-s per phase, peak RSS',
    optIn: true,
  },
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(argv[onlyIdx + 1]?.split(',') ?? []) : null;
const unknown = only ? [...only].filter((n) => !BENCHES.some((b) => b.name === n)) : [];
if (unknown.length) {
  process.stderr.write(
    `bench: unknown benchmark(s) ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})\n`,
  );
  process.exit(2);
}

function runOne(b: BenchSpec): Promise<{ code: number; out: string; seconds: number }> {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/run-ts.js', b.file, ...(quick ? b.quickArgs : b.args)], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, out, seconds: (performance.now() - t0) / 1000 }));
  });
}

const selected = BENCHES.filter((b) => (only ? only.has(b.name) : !b.optIn));
const sections: string[] = [];
let failed = 0;
for (const b of selected) {
  process.stdout.write(`\n=== bench ${b.name}: ${b.what} (load ${loadavg()[0].toFixed(1)}) ===\n`);
  const r = await runOne(b);
  if (r.code !== 0) failed++;
  const tail = r.out.trim().split('\n').slice(-40).join('\n');
  sections.push(
    `### ${b.name}: ${b.what}\n${r.code === 0 ? '' : `**exit code ${r.code}**\n`}wall ${r.seconds.toFixed(1)} s\n\n\`\`\`\n${tail}\n\`\`\`\n`,
  );
}
const header = `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${codeVersion()}${quick ? ' (quick)' : ''}\n\n`;
appendFileSync(join(repoRoot(), 'docs', 'BENCHMARKS.md'), header + sections.join('\n'));
process.stdout.write(
  `\nappended ${selected.length} result(s) to docs/BENCHMARKS.md${failed ? `; ${failed} failed` : ''}\n`,
);
process.exitCode = failed ? 1 : 0;
