/**
 * Public API of the backbone layer: createFeatureExtractor runs a torchvision backbone (random, imported or
 * ImageNet weights) on one of the executors and returns its feature taps as FeatureBatches.
 */
import {
  BACKBONE_TAPS,
  BACKBONES,
  INPUT_SIZE,
  isBackbone,
  type Backbone,
  type TapShape,
} from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { featureBatch, type FeatureBatch } from '../engine/feature-batch.js';
import { BACKEND_CHOICES, type BackendChoice, isBackendChoice, resolveBackend } from '../executors/detect.js';
import type { ExecutorInfo, GraphExecutor } from '../executors/types.js';
import { foldWeights } from '../weights/fold.js';
import { parseRandomSpec, RANDOM_WEIGHTS_WARNING, randomStateDict } from '../weights/random-init.js';
import { defaultWeightsDir, loadStoredWeights, resolveWeights } from '../weights/store.js';
import type { StateDict } from '../weights/tensors.js';
import { backboneGraph } from '../models/catalogue.js';

export type { Backbone, TapShape } from '../../shared/backbones.js';
export type { BackendChoice } from '../executors/detect.js';
export type { ExecutorInfo } from '../executors/types.js';
export { BACKEND_CHOICES, detectExecutors, isBackendChoice } from '../executors/detect.js';
export { RANDOM_WEIGHTS_WARNING } from '../weights/random-init.js';

export interface FeatureExtractor {
  readonly backbone: Backbone;
  readonly taps: readonly TapShape[];
  readonly info: ExecutorInfo;
  /** "random-init seed N" or "sha256:<hex>" */
  readonly weightsId: string;
  /** RANDOM_WEIGHTS_WARNING for random:SEED weights, else null: show it with every output */
  readonly weightsWarning: string | null;
  /** images: n*3*224*224 float32 NCHW, already normalised; returns one FeatureBatch per tap, in tap order */
  extract(images: Float32Array, n: number): Promise<FeatureBatch[]>;
  dispose(): Promise<void>;
}

export interface FeatureExtractorOptions {
  backbone: Backbone;
  /** 'random:SEED' | 'imagenet' | 'sha256:HEX' */
  weights: string;
  backend: BackendChoice;
  /** default ~/.cache/wepadim/weights or env WEPADIM_WEIGHTS_DIR */
  weightsDir?: string;
  gpu?: number | null;
  threads?: number;
  /** images per executor call (default 8); bounds the executor's working memory */
  batchSize?: number;
  /** ExecutorOptions.memoryArena (default true) */
  memoryArena?: boolean;
}

export function loadStateDict(
  backbone: Backbone,
  weights: string,
  weightsDir?: string,
): { sd: StateDict; id: string; warning: string | null } {
  const seed = parseRandomSpec(weights);
  if (seed !== null)
    return {
      sd: randomStateDict(backboneGraph(backbone), seed),
      id: `random-init seed ${seed}`,
      warning: RANDOM_WEIGHTS_WARNING,
    };
  if (weights.startsWith('random:'))
    throw new UserError(`bad weights "${weights}": the seed must be an integer in [0, 2^32)`);
  const dir = weightsDir ?? defaultWeightsDir();
  const meta = resolveWeights(weights, backbone, dir);
  return { sd: loadStoredWeights(meta, dir), id: meta.id, warning: null };
}

export async function createFeatureExtractor(opts: FeatureExtractorOptions): Promise<FeatureExtractor> {
  if (!isBackendChoice(opts.backend))
    throw new UserError(`unknown backend "${String(opts.backend)}": one of ${BACKEND_CHOICES.join(', ')}`);
  if (!isBackbone(opts.backbone))
    throw new UserError(`unknown backbone "${String(opts.backbone)}": one of ${BACKBONES.join(', ')}`);
  const g = backboneGraph(opts.backbone);
  const { sd, id, warning } = loadStateDict(opts.backbone, opts.weights, opts.weightsDir);
  if (warning) log.warn(warning, { backbone: opts.backbone, weights: id });
  const name = await resolveBackend(opts.backend, opts.gpu);
  const { createExecutor } = await import('../executors/create.js');
  const ex: GraphExecutor = await createExecutor(name, g, foldWeights(g, sd), {
    threads: opts.threads,
    gpu: opts.gpu,
    ...(opts.memoryArena === false ? { memoryArena: false } : {}),
  });
  const taps = BACKBONE_TAPS[opts.backbone];
  const batch = Math.max(1, opts.batchSize ?? 8);
  const per = 3 * INPUT_SIZE * INPUT_SIZE;
  return {
    backbone: opts.backbone,
    taps,
    info: ex.info,
    weightsId: id,
    weightsWarning: warning,
    async extract(images, n) {
      if (images.length !== n * per)
        throw new UserError(`extract: ${images.length} floats is not n*3*224*224 for n=${n}`);
      const out = taps.map((t) => featureBatch(n, t.channels, t.size, t.size));
      for (let s = 0; s < n; s += batch) {
        const m = Math.min(batch, n - s);
        const res = await ex.run(images.slice(s * per, (s + m) * per), m, INPUT_SIZE);
        res.forEach((r, i) => out[i].data.set(r, s * taps[i].channels * taps[i].size * taps[i].size));
      }
      return out;
    },
    dispose: () => ex.dispose(),
  };
}
