/**
 * Runner benchmarks (issue 4), all on synthetic classes generated here:
 *  1. one cold grid point (resnet18, haar J1, LL+LH+HL, sigma 4, cov 0.01) on 2 classes of 30 train / 20 test
 *     256x256 images: total time and time per phase;
 *  2. the 216-point phase-1 grid (configs/phase1-reduced.yaml) on the same 2 classes, on 2 objectives at once
 *     (one per class, each with its own engine thread: like 2 worker processes), with shared computation
 *     (leases of 36, as `wepadim run` leases them) and without sharing (each trial alone, no caches: timed on
 *     a sample of trials and extrapolated, as printed);
 *  3. peak RSS of a worker process at resnet18 sym4 J2 on a class with 391 training images.
 * Usage: node bin/run-ts.js bench/runner.ts [--sample K] [--skip-rss] [--append]
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSweepFile } from '../coordinator/grid/index.js';
import { generateSyntheticDataset } from '../worker/data/index.js';
import { createLogger } from '../shared/log.js';
import { forkTs } from '../shared/spawn.js';
import { METRIC } from '../shared/result.js';
import { trialKey, type TrialParams } from '../shared/trial.js';
import { codeVersion, repoRoot } from '../shared/version.js';
import type { GroupCallbacks, LeasedTrial, TrialOutcome } from '../worker/objective-types.js';
import { createWepadimObjective } from '../worker/runner/index.js';

const args = process.argv.slice(2);
const flag = (n: string): boolean => args.includes(n);
const num = (n: string, d: number): number => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const quiet = createLogger({}, { write: () => undefined });
const THREADS = num('--threads', 2);

function leased(p: TrialParams, i: number): LeasedTrial {
  return { trialId: i, key: trialKey(p), leaseId: `bench-${i}`, fencingToken: 1, params: p };
}

/**
 * Run `trials` on `workers` objectives at once (each with its own engine thread, like one worker process
 * per core), the trials split between them by class, in leases of `leaseSize`.
 */
async function runTrials(
  trials: LeasedTrial[],
  opts: { sharing: boolean; cacheDir: string | null; art: string; leaseSize: number; workers: number },
) {
  const results = new Map<string, TrialOutcome>();
  const cb: GroupCallbacks = {
    progress: () => undefined,
    finished: (k, o) => results.set(k, o),
    signalFor: () => new AbortController().signal,
  };
  const classes = [...new Set(trials.map((t) => t.params.class))];
  const shares = Array.from({ length: opts.workers }, (_, w) =>
    trials.filter((t) => classes.indexOf(t.params.class) % opts.workers === w),
  );
  const t0 = performance.now();
  await Promise.all(
    shares.map(async (mine) => {
      const obj = createWepadimObjective({
        cacheDir: opts.cacheDir,
        artifactsDir: opts.art,
        threads: Math.max(1, Math.floor(THREADS / opts.workers)),
        sharing: opts.sharing,
        mapTrialsPerClass: 0,
        logger: quiet,
      });
      for (let i = 0; i < mine.length; i += opts.leaseSize) await obj.runGroup(mine.slice(i, i + opts.leaseSize), cb);
      await obj.dispose?.();
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const failed = [...results.values()].filter((o) => !o.ok);
  if (failed.length) throw new Error(`${failed.length} trials failed, e.g. ${JSON.stringify(failed[0])}`);
  return { wall, results };
}

const PHASES = [
  METRIC.timeLoad,
  METRIC.timeBackbone,
  METRIC.timeDwt,
  METRIC.timeFit,
  METRIC.timeScore,
  METRIC.timeMetrics,
] as const;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'wepadim-bench-'));
  const lines: string[] = [];
  const out = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  try {
    const root = join(work, 'synth');
    await generateSyntheticDataset(root, { classes: ['weave', 'disc'], train: 30, test: 20, size: 256, seed: 0 });
    const base = (cls: string, p: Partial<TrialParams> = {}): TrialParams => ({
      objective: 'wepadim',
      dataset: 'folder',
      root,
      class: cls,
      backbone: 'resnet18',
      weights: 'random:0',
      wavelet: 'haar',
      level: 1,
      mode: 'zero',
      subbands: ['LL', 'LH', 'HL'],
      align: 'down',
      distance: 'squared',
      smoothing: 'reference',
      sigma: 4,
      cov_reg: 0.01,
      selection: null,
      synthetic: null,
      ...p,
    });
    out(
      `## ${new Date().toISOString()} commit ${codeVersion()} (threads ${THREADS}; load average at start ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    );

    // 1. one cold grid point on two classes
    const cold = await runTrials([leased(base('weave'), 0), leased(base('disc'), 1)], {
      sharing: true,
      cacheDir: null,
      art: join(work, 'a1'),
      leaseSize: 1,
      workers: 1,
    });
    const sum = (m: string): number =>
      [...cold.results.values()].reduce((a, o) => a + (o.ok ? o.result.metrics[m] : 0), 0);
    out(
      `1. cold point, 2 classes: wall ${cold.wall.toFixed(2)} s; phases (sum over classes): ${PHASES.map((m) => `${m.replace('time.', '').replace('_s', '')} ${sum(m).toFixed(2)}`).join(', ')}`,
    );

    // 2. phase-1 grid, shared vs unshared
    const sweep = loadSweepFile(resolve(repoRoot(), 'configs/phase1-reduced.yaml'));
    const first = sweep.trials[0].params.class;
    const points = sweep.trials.filter((t) => t.params.class === first).map((t) => t.params);
    const grid = ['weave', 'disc'].flatMap((cls) =>
      points.map((p) => ({ ...p, dataset: 'folder' as const, root, class: cls, weights: 'random:0' })),
    );
    const trials = grid.map(leased);
    const shared = await runTrials(trials, {
      sharing: true,
      cacheDir: join(work, 'cache'),
      art: join(work, 'a2'),
      leaseSize: 36,
      workers: 2,
    });
    const k = num('--sample', 6);
    const step = Math.floor(trials.length / k);
    const sample = Array.from({ length: k }, (_, i) => trials[i * step]);
    const unshared = await runTrials(sample, {
      sharing: false,
      cacheDir: null,
      art: join(work, 'a3'),
      leaseSize: 1,
      workers: 2,
    });
    const extrapolated = (unshared.wall / k) * trials.length; // the sample also ran on 2 workers
    for (const t of sample) {
      const a = shared.results.get(t.key);
      const b = unshared.results.get(t.key);
      if (!a?.ok || !b?.ok || a.result.metrics.image_auroc !== b.result.metrics.image_auroc) {
        out(
          `   WARNING: shared and unshared image AUROC differ for ${t.key}: ${a?.ok && a.result.metrics.image_auroc} vs ${b?.ok && b.result.metrics.image_auroc}`,
        );
      }
    }
    {
      // where the shared run's time went: shared stages counted once per class / per DWT group
      const rs = trials
        .map((t) => ({ t, o: shared.results.get(t.key) }))
        .filter((x): x is { t: LeasedTrial; o: TrialOutcome & { ok: true } } => x.o?.ok === true);
      const once = (keyOf: (t: LeasedTrial) => string, m: string): number => {
        const seen = new Map<string, number>();
        // a shared stage's time is reported by every trial it served (0 when served from a cache): keep the largest
        for (const { t, o } of rs) seen.set(keyOf(t), Math.max(seen.get(keyOf(t)) ?? 0, o.result.metrics[m]));
        return [...seen.values()].reduce((a, b) => a + b, 0);
      };
      const total = (m: string): number => rs.reduce((a, { o }) => a + o.result.metrics[m], 0);
      out(
        `   shared run, engine/backbone seconds summed over both workers: backbone ${once((t) => t.params.class, METRIC.timeBackbone).toFixed(1)},` +
          ` dwt ${once((t) => `${t.params.class}|${t.params.wavelet}|${t.params.level}`, METRIC.timeDwt).toFixed(1)}, fit ${total(METRIC.timeFit).toFixed(1)},` +
          ` score ${total(METRIC.timeScore).toFixed(1)}, metrics ${total(METRIC.timeMetrics).toFixed(1)}`,
      );
    }
    out(
      `2. phase-1 grid: ${trials.length} trials (${points.length} points x 2 classes), 2 workers. shared ${shared.wall.toFixed(1)} s` +
        ` (${((shared.wall / trials.length) * 1000).toFixed(0)} ms/trial); unshared ${(unshared.wall / k).toFixed(2)} s/trial (wall, 2 workers) on a sample of ${k},` +
        ` extrapolated ${extrapolated.toFixed(0)} s; speed-up ${(extrapolated / shared.wall).toFixed(1)}x (target >= 50x; shared target <= 180 s)`,
    );

    // 3. peak RSS of a worker process, 391 training images, sym4 J2
    if (!flag('--skip-rss')) {
      const big = join(work, 'big');
      await generateSyntheticDataset(big, { classes: ['weave'], train: 391, test: 40, size: 256, seed: 1 });
      const child = forkTs(join(repoRoot(), 'bench', 'runner-rss-child.ts'), [big, String(THREADS)], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      let text = '';
      child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      const m = /PEAK_RSS_MB (\d+(?:\.\d+)?) WALL_S (\d+(?:\.\d+)?) IMAGE_AUROC (\S+)/.exec(text);
      out(
        m
          ? `3. worker peak RSS, resnet18 sym4 J2, 391 train / 40 test: ${Number(m[1]).toFixed(0)} MB (target <= 1536 MB), wall ${Number(m[2]).toFixed(1)} s, image AUROC ${m[3]}`
          : `3. RSS child failed (exit ${code}): ${text}`,
      );
    }
    out(`   load average at end ${loadavg()[0].toFixed(1)}`);
    if (flag('--append')) {
      const doc = resolve(repoRoot(), 'docs/BENCHMARKS-runner.md');
      if (!existsSync(doc)) appendFileSync(doc, '# Runner benchmarks (bench/runner.ts)\n\n');
      appendFileSync(doc, lines.join('\n') + '\n\n');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

mkdirSync(tmpdir(), { recursive: true });
await main();
