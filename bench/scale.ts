/**
 * The scale benchmark (issue 14): the paper's sweeps at MVTec AD's real sizes, on the synthetic `--profile mvtec`
 * dataset, through the real local path (`wepadim run`: embedded coordinator in this process, worker processes),
 * random:0 weights, cold feature cache. Per run: wall time, the CPU-seconds of each phase (scale-report.ts),
 * coordinator and worker peak RSS. Appends to docs/BENCHMARKS-scale.md with date, commit and load.
 *
 * Usage: node bin/run-ts.js bench/scale.ts [--quick] [--runs phase1-resnet18,phase1-b0,phase2,wrn50,torch]
 *          [--data DIR] [--workers 2] [--classes a,b] [--no-append]
 *   --quick: phase 1 resnet18 on a 3-class slice (toothbrush, bottle, grid: 60-264 training images), < 3 min.
 *   --classes: run only these classes of the profile (e.g. hazelnut, the largest, for a memory peak).
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../shared/log.js';
import { codeVersion, repoRoot } from '../shared/version.js';
import { generateProfileDataset, MVTEC_PROFILE } from '../worker/data/index.js';
import { runLocalSweep } from '../local/run-local.js';
import { RUNS, type ScaleRun } from './scale-runs.js';
import { childCpuSeconds, phaseReport, type RunReport } from './scale-report.js';
import { torchBaseline } from './scale-torch.js';
import { buildBestSweep } from '../coordinator/report/best-yaml.js';
import { openReads } from '../coordinator/store/reads/open.js';

const args = process.argv.slice(2);
const opt = (n: string): string | undefined => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
const quick = args.includes('--quick');
const workers = Number(opt('--workers') ?? 2);
const dataDir = resolve(opt('--data') ?? join(tmpdir(), 'wepadim-scale-mvtec-seed0'));
const wanted = (opt('--runs') ?? (quick ? 'quick' : 'phase1-resnet18,torch')).split(',');
const onlyClasses = opt('--classes')?.split(',');
const log = createLogger({ component: 'bench-scale' }, { level: 'warn' });

/** Generate the profile's classes that are missing (a marker per class records what was generated). */
async function ensureData(classes: readonly string[]): Promise<void> {
  const marker = join(dataDir, '.wepadim-scale.json');
  const have: string[] = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as string[]) : [];
  const missing = classes.filter((c) => !have.includes(c));
  if (missing.length === 0) return;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await generateProfileDataset(dataDir, 'mvtec', { seed: 0, size: 256, classes: missing });
  const cpu = process.cpuUsage(cpu0);
  writeFileSync(marker, JSON.stringify([...have, ...missing]));
  console.log(
    `generated ${r.images} images of ${missing.length} classes in ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s (render threads included)`,
  );
}

/** One sweep file through the local path, measured (wall, CPU of this process and the workers, RSS, load). */
async function runSweep(
  file: string,
  runsDir: string,
  maxRssMb?: number,
): Promise<{ dbPath: string; rep: RunReport; failures: string }> {
  const cpu0 = process.cpuUsage();
  const child0 = childCpuSeconds();
  const load0 = loadavg()[0];
  const sum = await runLocalSweep({
    file,
    runsDir,
    workers,
    backend: 'onnx',
    fresh: true,
    signal: new AbortController().signal,
    log,
    stream: process.stderr,
    groupSize: 36,
    maxRssMb,
  });
  const self = process.cpuUsage(cpu0);
  const rep = phaseReport(sum.dbPath, {
    wall: sum.elapsed_s,
    coordinatorCpu: (self.user + self.system) / 1e6,
    workersCpu: childCpuSeconds() - child0,
    coordinatorRssMb: process.resourceUsage().maxRSS / 1024,
    load: [load0, loadavg()[0]],
  });
  return { dbPath: sum.dbPath, rep, failures: sum.workerFailures.length ? JSON.stringify(sum.workerFailures) : '' };
}

/**
 * `wepadim best` on a finished sweep (the class-mean winner by image AUROC, then by pixel AUROC), each run as its
 * own best-configs sweep in the same runs folder (warm feature cache), as a user would run them.
 */
async function runBest(
  dbPath: string,
  sweep: string,
  work: string,
): Promise<{ metric: string; rep: RunReport; failures: string }[]> {
  const reads = openReads(dbPath);
  const files: [string, string][] = [];
  try {
    for (const metric of ['image_auroc', 'pixel_auroc']) {
      const best = buildBestSweep(reads, { sweep, metric, perClass: false, top: 1 });
      const file = join(work, `${best.name}.yaml`);
      writeFileSync(file, best.yaml);
      files.push([metric, file]);
    }
  } finally {
    reads.close();
  }
  const done = [];
  for (const [metric, file] of files) done.push({ metric, ...(await runSweep(file, join(work, 'runs'))) });
  return done;
}

async function runOne(run: ScaleRun, out: (s: string) => void): Promise<RunReport | null> {
  const known = MVTEC_PROFILE.classes.map((c) => c.name);
  const unknown = onlyClasses?.filter((c) => !known.includes(c)) ?? [];
  if (unknown.length) throw new Error(`--classes: unknown class ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const classes = onlyClasses ?? run.classes ?? known;
  await ensureData(classes);
  const work = mkdtempSync(join(tmpdir(), `wepadim-scale-${run.name}-`));
  try {
    const file = join(work, `${run.name}.yaml`);
    writeFileSync(file, run.sweep(dataDir, classes));
    const { dbPath, rep, failures } = await runSweep(file, join(work, 'runs'), run.maxRssMb);
    const shown = onlyClasses ? { ...run, what: `${run.what}; only ${classes.join(', ')} (--classes)` } : run;
    out(rep.lines(shown, workers).join('\n'));
    if (failures) out(`   worker failures: ${failures}`);
    if (run.thenBest) {
      let total = rep.wallS;
      for (const b of await runBest(dbPath, `scale-${run.name}`, work)) {
        const what = `then \`wepadim best\` by ${b.metric} (class-mean winner) -> its best-configs sweep`;
        out(
          b.rep.lines({ ...run, name: `${run.name} best ${b.metric}`, what, targetS: run.targetS }, workers).join('\n'),
        );
        if (b.failures) out(`   worker failures: ${b.failures}`);
        total += b.rep.wallS;
      }
      const met = total <= run.targetS ? 'met' : 'MISSED';
      out(
        `   ablation + both best-configs sweeps: **wall ${total.toFixed(1)} s** (target <= ${run.targetS} s: ${met})`,
      );
    }
    return rep;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const lines: string[] = [];
const out = (s: string): void => {
  console.log(s);
  lines.push(s);
};
out(
  `## ${new Date().toISOString()} commit ${codeVersion()} (${workers} workers on ${availableParallelism()} cores; load average at start ${loadavg()[0].toFixed(1)})`,
);
const reports = new Map<string, RunReport>();
for (const name of wanted) {
  if (name === 'torch') {
    out((await torchBaseline(dataDir, ensureData, reports.get('phase1-resnet18') ?? null)).join('\n'));
    continue;
  }
  const run = RUNS.find((r) => r.name === name);
  if (!run) throw new Error(`unknown scale run '${name}' (known: ${RUNS.map((r) => r.name).join(', ')}, torch)`);
  const r = await runOne(run, out);
  if (r) reports.set(run.name, r);
}
out(`   load average at end ${loadavg()[0].toFixed(1)}`);
if (!args.includes('--no-append')) {
  const doc = join(repoRoot(), 'docs', 'BENCHMARKS-scale.md');
  if (!existsSync(doc)) appendFileSync(doc, '# Scale benchmarks (bench/scale.ts)\n\n');
  appendFileSync(doc, lines.join('\n') + '\n\n');
}
