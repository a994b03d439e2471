/** Graph description for every backbone of the catalogue, checked against shared/backbones.ts taps. */
import { BACKBONE_TAPS, type Backbone } from '../../shared/backbones.js';
import { EFFICIENTNET_SCALES, efficientnetGraph } from './efficientnet.js';
import type { BackboneGraph } from './graph.js';
import { RESNET_CONFIGS, resnetGraph } from './resnet.js';

const cache = new Map<Backbone, BackboneGraph>();

export function backboneGraph(b: Backbone): BackboneGraph {
  const hit = cache.get(b);
  if (hit) return hit;
  let g: BackboneGraph;
  if (b in RESNET_CONFIGS) g = resnetGraph(b, RESNET_CONFIGS[b as keyof typeof RESNET_CONFIGS]);
  else {
    const [w, d, eps] = EFFICIENTNET_SCALES[b as keyof typeof EFFICIENTNET_SCALES];
    g = efficientnetGraph(b, w, d, eps);
  }
  const want = BACKBONE_TAPS[b];
  if (
    want.length !== g.taps.length ||
    want.some(
      (t, i) => t.module !== g.taps[i].module || t.channels !== g.taps[i].channels || t.size * g.taps[i].stride !== 224,
    )
  ) {
    throw new Error(`internal: graph for ${b} does not match its catalogue taps`);
  }
  cache.set(b, g);
  return g;
}
