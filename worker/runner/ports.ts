/**
 * The parts of the data, models and engine modules that the runner consumes, as typed ports.
 * The default implementation loads the real modules lazily; tests may inject their own.
 */
import type { Backbone } from '../../shared/backbones.js';
import type { DatasetKind } from '../../shared/datasets.js';
import type { ClassListing as DataClassListing, SampleRef } from '../data/types.js';
import type {
  DwtConfig,
  GroupOptions,
  GroupTimings,
  TestTruth,
  VariantConfig,
  VariantOutcome,
} from '../engine/types.js';
import type { FeatureBatch } from '../engine/feature-batch.js';
import type { ClassTaps } from '../engine/tap-source.js';

type MaybePromise<T> = T | Promise<T>;

// The runner speaks the data and engine modules' own types, under their own names (type-only imports:
// no runtime coupling). The runner sees the part of a class listing it reads.
export type ClassListing = Pick<DataClassListing, 'train' | 'test'>;

export interface LoadedBatch {
  images: Float32Array; // n*3*224*224
  rgb: Uint8Array[]; // 224*224*3 each
}

export interface DataPort {
  listClass(kind: DatasetKind, root: string, className: string): MaybePromise<ClassListing>;
  loadBatch(samples: SampleRef[]): MaybePromise<LoadedBatch>;
  /** ground-truth masks of the samples, in order (224*224 0/1 each); a mask whose size differs from its image is a DataError */
  loadMasks(samples: SampleRef[]): MaybePromise<Uint8Array[]>;
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
    features: ClassTaps,
    truth: TestTruth,
    dwt: DwtConfig,
    variants: VariantConfig[],
    opts?: Omit<GroupOptions, 'method'>,
  ): MaybePromise<GroupOutput>;
}

export interface RunnerPorts {
  data: DataPort;
  models: ModelsPort;
  engine: EnginePort;
}
