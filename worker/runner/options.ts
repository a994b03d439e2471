/** Options of the wepadim objective (the runner of real trials). */
import type { Logger } from '../../shared/log.js';
import type { RunnerPorts } from './ports.js';

export interface WepadimObjectiveOptions {
  /** directory of the on-disk feature cache (created on demand); null disables the disk layer */
  cacheDir: string | null;
  /** artifacts go to `<artifactsDir>/<trial key>/` */
  artifactsDir: string;
  /** feature-extractor backend: 'auto' | 'onnx' | 'tfjs-wasm' | ... (passed to createFeatureExtractor) */
  backend?: string;
  weightsDir?: string;
  /** intra-op threads for the backbone */
  threads?: number;
  batchSize?: number;
  /** byte limit of the on-disk feature cache (default 2 GiB) */
  diskCacheBytes?: number;
  /** byte limit of the in-memory feature cache (default 1 GiB) */
  memoryCacheBytes?: number;
  /** compute shared stages once per group (default true); false evaluates every trial on its own */
  sharing?: boolean;
  /** anomaly-map PNGs: for the best `mapTrialsPerClass` trials of each class in a lease (default 1; 0 = none) */
  mapTrialsPerClass?: number;
  /** how many highest- and lowest-scoring test images get a PNG (default 2 each) */
  mapImages?: number;
  logger?: Logger;
  /** replaces the real data/models/engine modules (tests) */
  ports?: RunnerPorts;
}
