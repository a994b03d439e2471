/**
 * What a DWT group holds at its peak, for GroupOptions.maxBlockBytes: the float32 subband blocks (train and test),
 * plus what outlives them: the float64 Gram, cross and squared-norm terms of every block that more than one
 * distance computation shares, the centred float64 copies of the blocks a direct solve needs, and the summed terms
 * of the one distance computation in progress. All blocks at once, or one block at a time (the largest).
 */
import type { Subband } from '../../shared/subbands.js';

export interface GroupShape {
  /** train and test images, and grid positions */
  n: number;
  t: number;
  p: number;
  channels: Partial<Record<Subband, number>>;
  needed: readonly Subband[];
  /** blocks solved directly (their centred float64 features are kept) */
  direct: ReadonlySet<Subband>;
  /** per block, how many distance computations use it (over 1: its Gram terms are kept) */
  uses: ReadonlyMap<Subband, number>;
}

export function groupBytes(s: GroupShape): { allBlocks: number; oneBlock: number } {
  const terms = (s.p * s.n * s.n + s.p * s.t * s.n + s.p * s.t) * 8;
  let blocks = 0;
  let largest = 0;
  let kept = terms; // the summed terms of the distance computation in progress
  for (const b of s.needed) {
    const block = (s.n + s.t) * (s.channels[b] ?? 0) * s.p * 4;
    blocks += block;
    largest = Math.max(largest, block);
    if (s.direct.has(b)) kept += 2 * block;
    else if ((s.uses.get(b) ?? 0) > 1) kept += terms;
  }
  return { allBlocks: blocks + kept, oneBlock: largest + kept };
}
