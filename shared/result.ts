/**
 * What a finished trial reports: final metrics (flat name -> number), artifact paths and the
 * provenance that makes it reproducible. Travels worker -> coordinator as JSON, stored in `results`
 * and `metrics` (final = 1).
 */

/** Metric names used across runner, store and leaderboards. Per-defect AUROC is `image_auroc.defect.<name>`. */
export const METRIC = {
  imageAuroc: 'image_auroc',
  pixelAuroc: 'pixel_auroc',
  aupro: 'aupro',
  f1Max: 'f1_max',
  f1Threshold: 'f1_threshold',
  /** honest selection: scores on the selection part and on the report part of the test set */
  selImageAuroc: 'sel.image_auroc',
  selPixelAuroc: 'sel.pixel_auroc',
  repImageAuroc: 'rep.image_auroc',
  repPixelAuroc: 'rep.pixel_auroc',
  timeLoad: 'time.load_s',
  timeBackbone: 'time.backbone_s',
  timeDwt: 'time.dwt_s',
  timeFit: 'time.fit_s',
  timeScore: 'time.score_s',
  timeMetrics: 'time.metrics_s',
  timeTotal: 'time.total_s',
  peakRssMb: 'peak_rss_mb',
} as const;

/**
 * The metrics the leaderboard ranks classes by: each class's best trial by each, per stage, gets its anomaly maps
 * (the worker draws them for its lease's best; the coordinator queues a maps job for a winner still without).
 */
export const MAP_METRICS: readonly string[] = [METRIC.imageAuroc, METRIC.pixelAuroc];

export const defectMetric = (defect: string): string => `image_auroc.defect.${defect}`;

export interface Provenance {
  code_version: string;
  /** executor name, e.g. "onnx", "tfjs-wasm", or "synthetic" */
  backend: string;
  /** executor version and device, e.g. "onnxruntime-node 1.30.0 cpu x2" */
  device: string;
  /** "random-init seed N" or "sha256:<hex>" */
  weights: string;
  dataset_root: string;
  class: string;
}

export interface ArtifactRef {
  kind: string; // "trial-json" | "map-high" | "map-low" (anomaly maps of the highest/lowest-scoring images) | "file"
  path: string; // absolute path on the worker's file system (never image bytes over the wire)
}

export interface TrialResult {
  metrics: Record<string, number>;
  artifacts: ArtifactRef[];
  provenance: Provenance;
  /** free-form extra detail (shapes, warnings); must be JSON-serialisable */
  details?: Record<string, unknown>;
}
