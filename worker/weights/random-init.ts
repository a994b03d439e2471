/** `random:SEED` weights: the seeded generator applied to every tensor the graph needs. */
import type { BackboneGraph } from '../models/graph.js';
import { graphParams } from '../models/graph.js';
import { seededTensor } from './seeded.js';
import type { StateDict } from './tensors.js';

export { RANDOM_WEIGHTS_WARNING } from '../../shared/weights-notice.js';

export function randomStateDict(g: BackboneGraph, seed: number): StateDict {
  return new Map(graphParams(g).map((p) => [p.name, { shape: p.shape, data: seededTensor(seed, p) }]));
}

/** Parse "random:SEED" (SEED a non-negative integer < 2^32); null when `spec` is not of that form. */
export function parseRandomSpec(spec: string): number | null {
  const m = /^random:(\d+)$/.exec(spec);
  if (!m) return null;
  const s = Number(m[1]);
  return s <= 0xffffffff ? s : null;
}
