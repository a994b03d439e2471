/**
 * The `wepadim` objective: runs a leased group of compatible trials. Trials are grouped by feature key
 * (features loaded or computed once per class), then by DWT key (one engine call evaluates every
 * variant on one DWT). Each trial is finished as soon as its variant is done, except the current best
 * few per class, whose anomaly maps are rendered at the end of the class.
 */
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { UserError } from '../../shared/errors.js';
import { log as defaultLog, type Logger } from '../../shared/log.js';
import { dwtKey, featureKey } from '../../shared/trial.js';
import type { GroupCallbacks, LeasedTrial, Objective, TrialOutcome } from '../objective-types.js';
import { prepareClass, type ClassData } from './class-data.js';
import { FeatureCache } from './feature-cache.js';
import { beginClassPeak } from './class-peak-rss.js';
import { allAborted, failure } from './failure.js';
import { evaluateClass } from './class-runner.js';
import { checkObjectiveOptions, type WepadimObjectiveOptions } from './options.js';
import { loadDefaultPorts } from './default-ports.js';
import type { FeatureExtractorPort, RunnerPorts } from './ports.js';
import { randomInitWarning } from './trial-result.js';
import { tapMemoryBudget } from './tap-sink.js';
import { diskCacheBytes } from './disk-cache-size.js';

export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export class WepadimObjective implements Objective {
  readonly name = 'wepadim';
  private ports: RunnerPorts | null;
  private disposePorts: () => void = () => undefined;
  private readonly cache: FeatureCache;
  private readonly log: Logger;
  private extractor: { key: string; ex: FeatureExtractorPort } | null = null;
  private readonly warned = new Set<string>();

  private readonly opts: WepadimObjectiveOptions & { artifactsDir: string };
  /** feature keys (shared/trial.ts featureKey) of the classes prepared by this objective, most recent last */
  private readonly warm = new Map<string, string[]>();

  constructor(options: WepadimObjectiveOptions) {
    checkObjectiveOptions(options);
    const env = process.env;
    this.opts = {
      ...options,
      cacheDir: options.cacheDir === undefined ? (env.WEPADIM_CACHE_DIR ?? defaultCacheDir()) : options.cacheDir,
      artifactsDir: resolve(options.artifactsDir ?? env.WEPADIM_ARTIFACTS_DIR ?? join('runs', 'artifacts')),
      mapTrialsPerClass: options.mapTrialsPerClass ?? envCount('WEPADIM_MAP_TRIALS'),
      mapImages: options.mapImages ?? envCount('WEPADIM_MAP_IMAGES'),
    };
    const opts = this.opts;
    this.ports = opts.ports ?? null;
    this.log = opts.logger ?? defaultLog;
    this.cache = new FeatureCache({
      memoryBytes: opts.memoryCacheBytes ?? 768 * 1024 ** 2,
      dir: opts.cacheDir ?? null,
      diskBytes: opts.diskCacheBytes ?? diskCacheBytes(opts.cacheDir ?? null),
    });
  }

  /**
   * Feature keys whose train and test features this worker holds, for lease affinity (the coordinator gives the
   * worker more trials of the first one with pending work): those in memory, then those in its disk cache, the most
   * recently used first in each. The disk counts: a wide_resnet50_2 class (up to 2.8 GB) never fits the memory
   * layer, and reading it back costs a fraction of the backbone pass another class would need.
   */
  featureCaches(): string[] {
    const recent = [...this.warm].reverse();
    const held = (has: (k: string) => boolean): string[] =>
      recent.filter(([, keys]) => keys.every(has)).map(([fk]) => fk);
    const memory = held((k) => this.cache.inMemory(k));
    return [...memory, ...held((k) => this.cache.onDisk(k)).filter((fk) => !memory.includes(fk))];
  }

  get featureCache(): FeatureCache {
    return this.cache;
  }

  private async getPorts(): Promise<RunnerPorts> {
    if (!this.ports) {
      const p = await loadDefaultPorts({ engineThread: this.opts.engineThread ?? true });
      this.disposePorts = p.dispose;
      this.ports = p;
    }
    return this.ports;
  }

  private async getExtractor(t: LeasedTrial): Promise<FeatureExtractorPort> {
    const p = t.params;
    const backend = this.opts.backend ?? 'auto';
    const key = JSON.stringify([p.backbone, p.weights, backend]);
    if (this.extractor?.key === key) return this.extractor.ex;
    if (this.extractor) await this.extractor.ex.dispose();
    this.extractor = null;
    const ports = await this.getPorts();
    const ex = await ports.models.createFeatureExtractor({
      backbone: p.backbone,
      weights: p.weights,
      backend,
      ...(this.opts.weightsDir ? { weightsDir: this.opts.weightsDir } : {}),
      ...(this.opts.gpu != null ? { gpu: this.opts.gpu } : {}),
      ...(this.opts.threads ? { threads: this.opts.threads } : {}),
      ...(this.opts.batchSize ? { batchSize: this.opts.batchSize } : {}),
      // under a memory budget the backbone's activations are freed after each batch, not kept in an arena
      ...(this.opts.maxRssBytes !== undefined ? { memoryArena: false } : {}),
    });
    this.extractor = { key, ex };
    return ex;
  }

  async runGroup(trials: readonly LeasedTrial[], cb: GroupCallbacks): Promise<void> {
    const pending = new Set(trials.map((t) => t.key));
    const finish = (key: string, outcome: TrialOutcome): void => {
      if (!pending.delete(key)) return;
      cb.finished(key, outcome);
    };
    try {
      const wrong = trials.filter((t) => t.params.objective !== 'wepadim');
      for (const t of wrong)
        finish(t.key, { ok: false, error: `objective ${t.params.objective} is not wepadim`, retryable: false });
      const sharing = this.opts.sharing ?? true;
      const units = sharing
        ? [
            ...groupBy(
              trials.filter((t) => pending.has(t.key)),
              (t) => featureKey(t.params),
            ).values(),
          ]
        : trials.filter((t) => pending.has(t.key)).map((t) => [t]);
      for (const classTrials of units) await this.runClass(classTrials, cb, finish, sharing);
    } catch (err) {
      for (const key of [...pending]) finish(key, failure(err));
    } finally {
      for (const key of [...pending])
        finish(key, { ok: false, error: 'internal: the runner did not finish this trial', retryable: true });
    }
  }

  private async runClass(
    classTrials: LeasedTrial[],
    cb: GroupCallbacks,
    finish: (key: string, o: TrialOutcome) => void,
    sharing: boolean,
  ): Promise<void> {
    const first = classTrials[0];
    const warning = randomInitWarning(first.params.weights);
    if (warning && !this.warned.has(first.params.weights)) {
      this.warned.add(first.params.weights);
      this.log.warn(`!!! ${warning} !!!`);
    }
    const signal = allAborted(classTrials.map((t) => cb.signalFor(t.key)));
    // under a memory budget the memory layer holds the class in hand only: another class's features (a wrn50 test
    // split is ~600 MB) would stay resident through this one's work
    if (this.opts.maxRssBytes !== undefined) this.cache.keepInMemory(this.warm.get(featureKey(first.params)) ?? []);
    const endPeak = beginClassPeak(); // the trials' peak_rss_mb is this class's
    try {
      await this.runPrepared(classTrials, cb, finish, sharing, signal);
    } finally {
      endPeak();
    }
  }

  private async runPrepared(
    classTrials: LeasedTrial[],
    cb: GroupCallbacks,
    finish: (key: string, o: TrialOutcome) => void,
    sharing: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const ports = await this.getPorts();
    const first = classTrials[0];
    let cls: ClassData;
    try {
      cls = await prepareClass(first.params, {
        data: ports.data,
        cache: sharing ? this.cache : null,
        extractor: () => this.getExtractor(first),
        backend: this.opts.backend ?? 'auto',
        batchSize: this.opts.batchSize ?? 16,
        progress: (phase, done, total) => {
          for (const t of classTrials) cb.progress(t.key, { phase, done, total });
        },
        signal,
        tapBudget: () => tapMemoryBudget(this.opts.maxRssBytes),
        spillDir: this.opts.cacheDir ?? tmpdir(),
      });
    } catch (err) {
      for (const t of classTrials) finish(t.key, failure(err));
      return;
    }
    this.warm.delete(featureKey(first.params));
    this.warm.set(featureKey(first.params), [cls.cacheKeys.train, cls.cacheKeys.test]);
    const dwtGroups = [...groupBy(classTrials, (t) => dwtKey(t.params)).values()];
    try {
      await evaluateClass(cls, dwtGroups, {
        ports,
        cb,
        finish,
        sharing,
        artifactsDir: this.opts.artifactsDir,
        mapTrials: this.opts.mapTrialsPerClass ?? 1,
        mapImages: this.opts.mapImages ?? 2,
        featureTrials: classTrials.length,
        maxRssBytes: this.opts.maxRssBytes,
        spillDir: this.opts.cacheDir ?? tmpdir(),
        log: this.log,
      });
    } finally {
      cls.release(); // closes the class's tap files
    }
  }

  async dispose(): Promise<void> {
    if (this.extractor) await this.extractor.ex.dispose();
    this.extractor = null;
    this.cache.clearMemory();
    this.warm.clear();
    this.disposePorts();
  }
}

/** A non-negative integer from the environment, or undefined when unset; a bad value is an error naming it. */
export function envCount(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name}=${v}: expected a non-negative integer`);
  return n;
}

export function defaultCacheDir(): string {
  return join(tmpdir(), 'wepadim-cache');
}
