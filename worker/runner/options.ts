/** Options of the wepadim objective (the runner of real trials). */
import type { Logger } from '../../shared/log.js';
import type { RunnerPorts } from './ports.js';

export interface WepadimObjectiveOptions {
  /** directory of the on-disk feature cache (created on demand); null disables the disk layer.
   * Default: $WEPADIM_CACHE_DIR, else <tmpdir>/wepadim-cache */
  cacheDir?: string | null;
  /** artifacts go to `<artifactsDir>/<trial key>/`. Default: $WEPADIM_ARTIFACTS_DIR, else ./runs/artifacts */
  artifactsDir?: string;
  /** feature-extractor backend: 'auto' | 'onnx' | 'tfjs-wasm' | ... (passed to createFeatureExtractor) */
  backend?: string;
  weightsDir?: string;
  /** device index for the tensor backend (the worker's --gpu); null/absent = CPU */
  gpu?: number | null;
  /** intra-op threads for the backbone */
  threads?: number;
  batchSize?: number;
  /** byte limit of the on-disk feature cache (default 2 GiB) */
  diskCacheBytes?: number;
  /** byte limit of the in-memory feature cache (default 768 MiB: a 391-image resnet18 class is ~550 MiB) */
  memoryCacheBytes?: number;
  /** compute shared stages once per group (default true); false evaluates every trial on its own */
  sharing?: boolean;
  /** anomaly-map PNGs: for the best `mapTrialsPerClass` trials of each class in a lease, per stage, by image
   * and by pixel AUROC (./map-holds.ts; default $WEPADIM_MAP_TRIALS, else 1; 0 = none) */
  mapTrialsPerClass?: number;
  /** how many highest- and lowest-scoring test images get a PNG (default $WEPADIM_MAP_IMAGES, else 2 each) */
  mapImages?: number;
  /**
   * the worker's resident-memory budget in bytes (`wepadim worker --max-rss`): a DWT group whose blocks would not fit
   * in what is left of it (budget minus the RSS when the group starts) computes its blocks one at a time (more DWT
   * time, same numbers) instead of running out of memory, and a split's backbone taps over half of what is left are
   * kept in a file and read a chunk at a time (tap-sink.ts). Default: no budget (taps over half of the available
   * memory still go to a file).
   */
  maxRssBytes?: number;
  /** run the engine in a worker thread so heartbeats keep flowing (default true) */
  engineThread?: boolean;
  logger?: Logger;
  /** replaces the real data/models/engine modules (tests) */
  ports?: RunnerPorts;
}

const STRING_KEYS = ['artifactsDir', 'backend', 'weightsDir'] as const;
const NUMBER_KEYS = [
  'threads',
  'batchSize',
  'diskCacheBytes',
  'memoryCacheBytes',
  'mapTrialsPerClass',
  'mapImages',
  'maxRssBytes',
] as const;

/** Check options that arrive untyped (e.g. from the worker's command line); throws naming the field. */
export function checkObjectiveOptions(o: WepadimObjectiveOptions): void {
  const rec = o as unknown as Record<string, unknown>;
  for (const k of STRING_KEYS) {
    if (rec[k] !== undefined && typeof rec[k] !== 'string')
      throw new TypeError(`wepadim objective option ${k} must be a string, got ${typeof rec[k]}`);
  }
  for (const k of NUMBER_KEYS) {
    const v = rec[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
      throw new TypeError(`wepadim objective option ${k} must be a number >= 0, got ${String(v)}`);
  }
  if (
    rec.gpu !== undefined &&
    rec.gpu !== null &&
    !(typeof rec.gpu === 'number' && Number.isInteger(rec.gpu) && rec.gpu >= 0)
  )
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
    throw new TypeError(`wepadim objective option gpu must be a device index >= 0 or null, got ${String(rec.gpu)}`);
  if (rec.cacheDir !== undefined && rec.cacheDir !== null && typeof rec.cacheDir !== 'string')
    throw new TypeError('wepadim objective option cacheDir must be a string or null');
  for (const k of ['sharing', 'engineThread']) {
    if (rec[k] !== undefined && typeof rec[k] !== 'boolean')
      throw new TypeError(`wepadim objective option ${k} must be a boolean`);
  }
}
