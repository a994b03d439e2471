/**
 * `wepadim run FILE` on one machine: generate the synthetic data the sweep asks for, submit (or resume)
 * the sweep in `<runsDir>/<sweep>/wepadim.db`, start the coordinator and local workers, show progress,
 * stop everything when the sweep is finished (or on abort), and return the run summary.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { SweepStore } from '../coordinator/store/sweep-store.js';
import { mapJobOutstanding } from '../coordinator/store/reads/index.js';
import { sweepDirName } from '../coordinator/store/paths.js';
import { COORDINATOR_DEFAULTS } from '../coordinator/server/defaults.js';
import { createLogger, type Logger } from '../shared/log.js';
import { narrowTrials, type SweepNarrowing } from './sweep-filter.js';
import { startLocalWorker, stopLocalWorkers, workerArgs, type LocalWorker } from './local-workers.js';
import type { DatasetDecl as SweepDataset } from '../coordinator/grid/index.js';
import { RunProgressView } from './progress-view.js';
import { snapshot } from './snapshot.js';
import { localDevices } from './devices.js';
import { noteOf } from './worker-note.js';
import { rootMovesText } from '../coordinator/report/root-moves-view.js';
import { isRandomWeights, randomWeightsLine } from '../shared/weights-notice.js';
import { oneTimeToken } from './local-token.js';

export interface LocalRunOptions extends SweepNarrowing {
  file: string;
  runsDir: string;
  workers?: number;
  backend: string;
  fresh: boolean;
  /** aborting it stops cleanly (first Ctrl-C): workers finish and deliver the trials they hold, then exit */
  signal: AbortSignal;
  /** aborting it stops at once (second Ctrl-C): workers are killed; their leases expire and are re-queued */
  force?: AbortSignal;
  log: Logger;
  stream: NodeJS.WriteStream;
  pollMs?: number;
  /** anomaly-map PNGs for the best `mapTrials` trials of each class in a lease, per stage and metric (default 1) */
  mapTrials?: number;
  /** most trials per lease (default 36: one DWT group of the phase-1 grid) */
  groupSize?: number;
  /** serve the web dashboard on this HOST:PORT while the sweep runs (its URL is printed) */
  dashboard?: string;
  /** extra environment for the workers */
  workerEnv?: NodeJS.ProcessEnv;
  /** the weights store the workers read (default $WEPADIM_WEIGHTS_DIR, else ~/.cache/wepadim/weights) */
  weightsDir?: string;
  /** the feature cache (default $WEPADIM_CACHE_DIR, else <runsDir>/.cache/features) */
  cacheDir?: string;
  /** each worker's memory budget in MB (`wepadim worker --max-rss`) */
  maxRssMb?: number;
  /** false: skip the pre-flight check of weights and datasets (default true) */
  preflight?: boolean;
  /** ms an idle worker's long-polled Acquire may wait (coordinator and workers; their defaults when absent) */
  acquireWaitMs?: number;
  /** every line a local worker writes (its --json events on stdout, its log on stderr) */
  onWorkerLine?: (workerId: string, line: string) => void;
}

/** Where `wepadim run` keeps features: --cache-dir, else $WEPADIM_CACHE_DIR, else <runsDir>/.cache/features. */
export function featureCacheDir(
  runsDir: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolve(flag || env.WEPADIM_CACHE_DIR || join(runsDir, '.cache', 'features'));
}

/** The environment of a local worker: WEPADIM_WEIGHTS_DIR from --weights-dir (absolute), JSON logs, map count. */
export function localWorkerEnv(
  o: Pick<LocalRunOptions, 'weightsDir' | 'mapTrials' | 'workerEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    ...env,
    WEPADIM_LOG_JSON: '1',
    ...(o.weightsDir ? { WEPADIM_WEIGHTS_DIR: resolve(o.weightsDir) } : {}),
    ...(o.mapTrials === undefined ? {} : { WEPADIM_MAP_TRIALS: String(o.mapTrials) }),
    ...o.workerEnv,
  };
}

export interface LocalRunSummary {
  sweep: string;
  runDir: string;
  dbPath: string;
  artifactsDir: string;
  submitted: { added: number; existing: number; total: number; requeued: number };
  counts: Record<string, number>;
  workers: number;
  interrupted: boolean;
  elapsed_s: number;
  generated: string[];
  workerFailures: { id: string; code: number | null; tail: string[] }[];
}

/** the coordinator's lease TTL: short, so the leases of killed workers come back soon; heartbeats keep live ones */
const LEASE_TTL_MS = COORDINATOR_DEFAULTS.leaseTtlMs;

export { sweepDirName };

/** Generate each synthetic dataset unless the same spec was generated there before. */
export async function ensureSyntheticData(datasets: readonly SweepDataset[], log: Logger): Promise<string[]> {
  const made: string[] = [];
  for (const d of datasets) {
    if (!d.synthetic) continue;
    const marker = join(d.root, '.wepadim-synthetic.json');
    const spec = JSON.stringify(d.synthetic);
    if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) continue;
    log.info('generating synthetic dataset', {
      root: d.root,
      classes: d.synthetic.classes.join(','),
      train: d.synthetic.train,
      test: d.synthetic.test,
    });
    const { generateSyntheticDataset } = await import('../worker/data/index.js');
    await generateSyntheticDataset(d.root, d.synthetic);
    writeFileSync(marker, spec);
    made.push(d.root);
  }
  return made;
}

export async function runLocalSweep(o: LocalRunOptions): Promise<LocalRunSummary> {
  const t0 = performance.now();
  const { loadSweepFile } = await import('../coordinator/grid/index.js');
  const expanded = loadSweepFile(resolve(o.file));
  const { preflight } = await import('./preflight.js');
  const { trials } = await preflight(
    { ...expanded, trials: narrowTrials(expanded.trials, o, o.file) },
    { check: o.preflight, weightsDir: o.weightsDir },
  );
  const runDir = resolve(o.runsDir, sweepDirName(expanded.name));
  if (o.fresh) rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const dbPath = join(runDir, 'wepadim.db');
  const artifactsDir = join(runDir, 'artifacts');
  const generated = await ensureSyntheticData(expanded.datasets, o.log);

  const store = SweepStore.open(dbPath);
  const workerFailures: LocalRunSummary['workerFailures'] = [];
  let workers: LocalWorker[] = [];
  let interrupted = false;
  try {
    const sub = store.submit({ ...expanded, trials });
    // The embedded coordinator is not running, so no lease of an earlier run can still be alive: treat every
    // lease as expired (leases last at most LEASE_TTL_MS) and put those trials back with the failed ones.
    const res = store.resume(expanded.name, { now: Date.now() + LEASE_TTL_MS + 1000 });
    const submitted = { added: sub.added, existing: sub.existing, total: sub.total, requeued: res.requeued };
    o.log.info('sweep submitted', { sweep: expanded.name, db: dbPath, ...submitted });
    if (sub.rootMoves.length) o.log.warn(rootMovesText(expanded.name, sub.existing, sub.rootMoves).trimEnd());
    const sweepId = store.sweepId(expanded.name);
    // open trials, and the winners' maps jobs still to run or whose maps have not reached the coordinator yet
    const open = (): number => {
      const c = store.reads.statusCounts(sweepId);
      return c.pending + c.leased + c.running + store.reads.mapJobs(sweepId).filter(mapJobOutstanding).length;
    };
    // --workers N: N CPU workers; otherwise one per GPU where a GPU executor is present, else one per core
    const devices =
      o.workers === undefined
        ? await localDevices(o.backend)
        : { gpus: [], cpuWorkers: o.workers, note: `--workers ${o.workers}` };
    const n = devices.gpus.length || devices.cpuWorkers;
    if (open() > 0 && !o.signal.aborted) {
      const { startCoordinator } = await import('../coordinator/server/index.js');
      const view = new RunProgressView(o.stream, o.log);
      const random = [...new Set(trials.map((t) => t.params.weights).filter(isRandomWeights))];
      if (random.length) view.notice = randomWeightsLine(random);
      // on a TTY the bars are redrawn in place: the coordinator only speaks up for warnings, above the bars
      const coordLog = view.tty
        ? createLogger(
            { component: 'coordinator' },
            { level: 'warn', json: false, write: (line) => view.message(line) },
          )
        : o.log.child({ component: 'coordinator' });
      // plaintext on loopback, but no other local user may call it: a one-time token only our workers know
      const token = oneTimeToken();
      const coord = await startCoordinator({
        dbPath,
        listen: '127.0.0.1:0',
        auth: { token, tls: null, insecure: true },
        leaseTtlMs: LEASE_TTL_MS,
        ...(o.acquireWaitMs === undefined ? {} : { acquireWaitMs: o.acquireWaitMs }),
        log: coordLog,
        // the dashboard stays as it was: readable on loopback, no actions (nobody knows the one-time token)
        ...(o.dashboard ? { http: { listen: o.dashboard, token: null } } : {}),
      });
      if (coord.dashboardUrl) {
        o.stream.write(`dashboard: ${coord.dashboardUrl}\n`);
        o.log.info('dashboard', { url: coord.dashboardUrl });
      }
      const notes = new Map<string, string>();
      let redraw = (): void => undefined;
      try {
        o.log.info('starting local workers', { workers: n, backend: o.backend, devices: devices.note });
        const threads = Math.max(1, Math.floor(availableParallelism() / n));
        workers = Array.from({ length: n }, (_, i) => {
          const workerId = `local-${i}`;
          return startLocalWorker(
            {
              index: i,
              workerId,
              args: workerArgs({
                coordinator: coord.address,
                backend: o.backend,
                workerId,
                spoolDir: join(runDir, 'spool', workerId),
                cacheDir: featureCacheDir(o.runsDir, o.cacheDir),
                artifactsDir,
                threads,
                groupSize: o.groupSize ?? 36,
                gpu: devices.gpus[i] ?? null,
                acquireWaitMs: o.acquireWaitMs,
                maxRssMb: o.maxRssMb,
              }),
              env: { ...localWorkerEnv(o), WEPADIM_TOKEN: token },
            },
            (w, line) => {
              notes.set(w.workerId, noteOf(line) ?? notes.get(w.workerId) ?? '');
              o.onWorkerLine?.(w.workerId, line);
            },
          );
        });
        const pollMs = o.pollMs ?? 500;
        const draw = (force = false): void =>
          view.update(
            snapshot(
              store.reads,
              sweepId,
              workers.map((w) => w.spec.workerId),
              notes,
            ),
            force,
          );
        redraw = draw;
        while (!o.signal.aborted) {
          draw();
          if (open() === 0) break;
          if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) {
            o.log.error('every worker exited before the sweep finished');
            break;
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
        interrupted = o.signal.aborted;
        draw(true);
      } finally {
        // Workers first: on an interrupt they finish and deliver the trials they hold (a forced stop kills
        // them: their leases are re-queued by the next run, and results they spooled are delivered then).
        const t = performance.now();
        if (interrupted)
          view.message('stopping: workers finish the trials they hold (Ctrl-C again to stop at once)...');
        // the bars stay live while workers drain (the held counts go down), and stop at once on a forced stop
        const live = interrupted ? setInterval(() => o.force?.aborted || redraw(), o.pollMs ?? 500) : undefined;
        await stopLocalWorkers(workers, interrupted ? Infinity : 15000, o.force);
        clearInterval(live);
        const tw = performance.now();
        await coord.stop(o.force?.aborted ? 0 : 2000);
        const s = (from: number, to = performance.now()): number => Number(((to - from) / 1000).toFixed(2));
        o.log.debug('stopped workers and coordinator', { seconds: s(t), workers_s: s(t, tw), coordinator_s: s(tw) });
      }
      for (const w of workers) {
        const e = await w.exited;
        // a drained worker ends on SIGTERM; a second Ctrl-C kills them on purpose: neither is a failure
        const stopped =
          interrupted && (e.signal === 'SIGTERM' || (o.force?.aborted === true && e.signal === 'SIGKILL'));
        if (e.code !== 0 && !stopped)
          workerFailures.push({ id: w.spec.workerId, code: e.code, tail: w.tail.slice(-5) });
      }
    }
    return {
      sweep: expanded.name,
      runDir,
      dbPath,
      artifactsDir,
      submitted,
      counts: store.reads.statusCounts(sweepId),
      workers: workers.length,
      interrupted: interrupted || o.signal.aborted,
      elapsed_s: (performance.now() - t0) / 1000,
      generated,
      workerFailures,
    };
  } finally {
    store.close();
  }
}
