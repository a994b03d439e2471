/**
 * torchvision EfficientNet-B0..B6 (v1) as a graph description, truncated after features.6 (the deepest tap).
 * Channel and depth scaling follow torchvision 0.14 (`_make_divisible(c * width, 8)`, `ceil(layers * depth)`).
 */
import type { BackboneGraph, GraphNode } from './graph.js';

/**
 * [width multiplier, depth multiplier, batch-norm eps] per variant. torchvision builds B5 and B6 (ported from
 * lukemelas' weights) with BatchNorm2d(eps=1e-3); B0..B4 use the default 1e-5.
 */
export const EFFICIENTNET_SCALES = {
  'efficientnet-b0': [1.0, 1.0, 1e-5],
  'efficientnet-b1': [1.0, 1.1, 1e-5],
  'efficientnet-b2': [1.1, 1.2, 1e-5],
  'efficientnet-b3': [1.2, 1.4, 1e-5],
  'efficientnet-b4': [1.4, 1.8, 1e-5],
  'efficientnet-b5': [1.6, 2.2, 1e-3],
  'efficientnet-b6': [1.8, 2.6, 1e-3],
} as const satisfies Record<string, readonly [number, number, number]>;

/** torchvision's MBConv table for B0: expand ratio, kernel, stride, in, out, layers (stages 1..7). */
const STAGES: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

/** torchvision.ops.misc._make_divisible with divisor 8 */
export function makeDivisible(v: number, divisor = 8): number {
  let nv = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (nv < 0.9 * v) nv += divisor;
  return nv;
}

/** Number of `features` stages built (features.1 .. features.lastStage); the taps are features.3..6. */
const LAST_STAGE = 6;

/** `lastStage` > 6 builds the stages past the deepest tap (worker/weights uses it for the full state_dict). */
export function efficientnetGraph(
  name: string,
  width: number,
  depth: number,
  bnEps: number,
  lastStage = LAST_STAGE,
): BackboneGraph {
  const nodes: GraphNode[] = [];
  const ch = (c: number): number => makeDivisible(c * width);
  const stem = ch(32);
  nodes.push({
    op: 'conv',
    input: 'input',
    output: 'features.0',
    conv: 'features.0.0',
    bn: 'features.0.1',
    inChannels: 3,
    outChannels: stem,
    kernel: 3,
    stride: 2,
    pad: 1,
    groups: 1,
    act: 'silu',
  });
  let x = 'features.0';
  const taps: BackboneGraph['taps'] = [];
  let stride = 2;
  for (let s = 0; s < lastStage; s++) {
    const [expand, k, st, cin0, cout0, layers0] = STAGES[s];
    const layers = Math.ceil(layers0 * depth);
    const cout = ch(cout0);
    for (let b = 0; b < layers; b++) {
      const cin = b === 0 ? ch(cin0) : cout;
      const bstride = b === 0 ? st : 1;
      const p = `features.${s + 1}.${b}.block`;
      const hidden = makeDivisible(cin * expand);
      let idx = 0;
      let h = x;
      if (hidden !== cin) {
        nodes.push({
          op: 'conv',
          input: h,
          output: `${p}.${idx}`,
          conv: `${p}.${idx}.0`,
          bn: `${p}.${idx}.1`,
          inChannels: cin,
          outChannels: hidden,
          kernel: 1,
          stride: 1,
          pad: 0,
          groups: 1,
          act: 'silu',
        });
        h = `${p}.${idx++}`;
      }
      nodes.push({
        op: 'conv',
        input: h,
        output: `${p}.${idx}`,
        conv: `${p}.${idx}.0`,
        bn: `${p}.${idx}.1`,
        inChannels: hidden,
        outChannels: hidden,
        kernel: k,
        stride: bstride,
        pad: (k - 1) >> 1,
        groups: hidden,
        act: 'silu',
      });
      h = `${p}.${idx++}`;
      nodes.push({
        op: 'se',
        input: h,
        output: `${p}.${idx}`,
        fc1: `${p}.${idx}.fc1`,
        fc2: `${p}.${idx}.fc2`,
        channels: hidden,
        squeeze: Math.max(1, Math.floor(cin / 4)),
      });
      h = `${p}.${idx++}`;
      const proj = `${p}.${idx}`;
      nodes.push({
        op: 'conv',
        input: h,
        output: proj,
        conv: `${p}.${idx}.0`,
        bn: `${p}.${idx}.1`,
        inChannels: hidden,
        outChannels: cout,
        kernel: 1,
        stride: 1,
        pad: 0,
        groups: 1,
        act: null,
      });
      const out = `features.${s + 1}.${b}`;
      if (bstride === 1 && cin === cout) nodes.push({ op: 'add', inputs: [proj, x], output: out, act: null });
      else rename(nodes, proj, out);
      x = out;
    }
    stride *= st;
    if (s + 1 >= 3 && s < LAST_STAGE) taps.push({ module: `features.${s + 1}`, value: x, channels: cout, stride });
  }
  return { name, input: 'input', nodes, taps, bnEps };
}

/** Rename the output of the last node (used when a block has no residual, so its projection is the block output). */
function rename(nodes: GraphNode[], from: string, to: string): void {
  const last = nodes[nodes.length - 1];
  if (last.output !== from) throw new Error(`internal: expected last node to produce ${from}`);
  last.output = to;
}
