/** Which random-init weights a sweep's trials use, so every report can warn loudly about them. */
import { randomWeightsBanner } from '../../shared/weights-notice.js';
import type { StoreReads } from '../store/reads/index.js';

/** Distinct random weights specs ("random:SEED") of the sweep's trials, sorted; empty when none. */
export function randomWeightsOf(reads: StoreReads, sweep: string): string[] {
  return reads.randomWeights(reads.sweepId(sweep));
}

/** The banner for human output, or '' when the sweep uses no random weights. */
export function weightsBannerFor(reads: StoreReads, sweep: string): string {
  const specs = randomWeightsOf(reads, sweep);
  return specs.length ? randomWeightsBanner(specs) : '';
}
