/**
 * The parts of the data, models and engine modules that the runner consumes, as typed ports.
 * The default implementation loads the real modules lazily; tests may inject their own.
 */
import type { Backbone } from '../../shared/backbones.js';
import type { DatasetKind } from '../../shared/datasets.js';
import type { ClassListing as DataClassListing, SampleRef } from '../data/types.js';
import type {
  ClassFeatures,
  DwtConfig,
  EvalSubset,
  GroupOptions as EngineGroupOptions,
  GroupTimings,
  TestTruth,
  VariantConfig,
  VariantMetrics,
  VariantOutcome,
} from '../engine/types.js';
import type { FeatureBatch } from '../engine/feature-batch.js';

type MaybePromise<T> = T | Promise<T>;

// The runner speaks the data and engine modules' own types (type-only imports: no runtime coupling),
// under the names the runner uses.
export type { SampleRef, VariantOutcome };
export type ClassListing = Pick<DataClassListing, 'train' | 'test'>;
export type GroundTruth = TestTruth;
export type DwtSpec = DwtConfig;
export type VariantSpec = VariantConfig;
export type SubsetSpec = EvalSubset;
export type EngineMetrics = VariantMetrics;
export type FeatureSets = ClassFeatures;
export type GroupOptions = Omit<EngineGroupOptions, 'method'>;

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

export interface GroupOutput {
  outcomes: VariantOutcome[];
  timings: GroupTimings;
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
  const [data, models] = await Promise.all([import('../data/index.js'), import('../extractor/feature-extractor.js')]);
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
