/**
 * The parts of the data, models and engine modules that the runner consumes, as typed ports.
 * The default implementation loads the real modules lazily; tests may inject their own.
 */
import type { Backbone } from '../../shared/backbones.js';
import type { DatasetKind } from '../../shared/datasets.js';
import type { Subband } from '../../shared/subbands.js';
import type { Align, DistanceKind, SmoothingKind } from '../../shared/trial.js';
import type { DwtMode, Wavelet } from '../../shared/wavelets.js';
import type { FeatureBatch } from '../engine/feature-batch.js';

type MaybePromise<T> = T | Promise<T>;

export interface SampleRef {
  path: string;
  label: 0 | 1;
  defect: string;
  maskPath: string | null;
}

export interface ClassListing {
  train: SampleRef[];
  test: SampleRef[];
}

export interface LoadedBatch {
  images: Float32Array; // n*3*224*224
  rgb: Uint8Array[]; // 224*224*3 each
}

export interface DataPort {
  listClass(kind: DatasetKind, root: string, className: string): MaybePromise<ClassListing>;
  loadBatch(samples: SampleRef[]): MaybePromise<LoadedBatch>;
  loadMask(path: string | null): MaybePromise<Uint8Array>;
  writePng(path: string, rgb: Uint8Array, w: number, h: number, channels: number): MaybePromise<void>;
}

export interface ExtractorInfo {
  executor: string;
  version: string;
  device: string;
}

export interface FeatureExtractorPort {
  info: ExtractorInfo;
  weightsId: string;
  extract(images: Float32Array, n: number): Promise<FeatureBatch[]>;
  dispose(): MaybePromise<void>;
}

export interface ExtractorRequest {
  backbone: Backbone;
  weights: string;
  backend: string;
  weightsDir?: string;
  /** device index for the tensor backend (the worker's --gpu); null/absent = CPU */
  gpu?: number | null;
  threads?: number;
  batchSize?: number;
}

export interface ModelsPort {
  createFeatureExtractor(req: ExtractorRequest): MaybePromise<FeatureExtractorPort>;
}

export interface GroundTruth {
  labels: Uint8Array;
  masks: Uint8Array; // n*224*224, 0/1
  defects: string[];
}

export interface DwtSpec {
  wavelet: Wavelet;
  level: number;
  mode: DwtMode;
  align: Align;
}

export interface VariantSpec {
  subbands: Subband[];
  cov_reg: number;
  sigma: number;
  distance: DistanceKind;
  smoothing: SmoothingKind;
}

export interface SubsetSpec {
  name: string;
  indices: Uint32Array;
}

export interface EngineMetrics {
  image_auroc: number;
  pixel_auroc: number;
  aupro: number;
  f1_max: number;
  f1_threshold: number;
  per_defect: Record<string, number>;
  subsets: Record<string, { image_auroc: number; pixel_auroc: number }>;
}

export interface VariantOutcome {
  metrics: EngineMetrics;
  imageScores: Float32Array;
  maps: Float32Array | null;
  timings: { fit_s: number; score_s: number; metrics_s: number };
}

export interface FeatureSets {
  train: FeatureBatch[];
  test: FeatureBatch[];
}

export interface GroupOptions {
  subsets?: SubsetSpec[];
  keepMaps?: (i: number) => boolean;
  onVariantDone?: (i: number, outcome: VariantOutcome) => void;
  signal?: AbortSignal;
  sharing?: boolean;
}

export interface GroupOutput {
  outcomes: VariantOutcome[];
  timings: { dwt_s: number };
}

export interface EnginePort {
  evaluateDwtGroup(
    features: FeatureSets,
    truth: GroundTruth,
    dwt: DwtSpec,
    variants: VariantSpec[],
    opts?: GroupOptions,
  ): MaybePromise<GroupOutput>;
}

export interface RunnerPorts {
  data: DataPort;
  models: ModelsPort;
  engine: EnginePort;
}

/**
 * Load the real modules (lazily: they pull in sharp, onnxruntime and the engine). With `engineThread`
 * the engine runs in a worker thread (the default for workers: heartbeats keep flowing); otherwise it
 * is called directly on this thread.
 */
export async function loadDefaultPorts(opts: { engineThread?: boolean } = {}): Promise<RunnerPorts & { dispose(): void }> {
  const [data, models] = await Promise.all([import('../data/index.js'), import('../models/index.js')]);
  const dataPort: DataPort = data;
  const modelsPort: ModelsPort = models;
  if (opts.engineThread ?? true) {
    const { ThreadedEngine } = await import('./engine-thread.js');
    const engine = new ThreadedEngine();
    return { data: dataPort, models: modelsPort, engine, dispose: () => engine.dispose() };
  }
  const enginePort: EnginePort = await import('../engine/index.js');
  return { data: dataPort, models: modelsPort, engine: enginePort, dispose: () => undefined };
}
