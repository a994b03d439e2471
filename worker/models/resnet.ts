/**
 * torchvision ResNet (v1.5: stride on the 3x3 conv of bottlenecks) as a graph description,
 * truncated after layer3 (the deepest tap). Keys follow torchvision's state_dict names.
 */
import type { BackboneGraph, GraphNode } from './graph.js';

export interface ResNetConfig {
  block: 'basic' | 'bottleneck';
  /** blocks per stage: layer1..layer3 for the truncated graph (worker/weights adds layer4 for the full state_dict) */
  layers: readonly number[];
  /** bottleneck width per unit of `planes` (wide_resnet50_2: 2, resnet50: 1) */
  widthFactor: number;
}

export const RESNET_CONFIGS = {
  resnet18: { block: 'basic', layers: [2, 2, 2], widthFactor: 1 },
  resnet34: { block: 'basic', layers: [3, 4, 6], widthFactor: 1 },
  wide_resnet50_2: { block: 'bottleneck', layers: [3, 4, 6], widthFactor: 2 },
} as const satisfies Record<string, ResNetConfig>;

export function resnetGraph(name: string, cfg: ResNetConfig): BackboneGraph {
  const nodes: GraphNode[] = [];
  const conv = (
    input: string,
    output: string,
    conv: string,
    bn: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    relu: boolean,
  ): void => {
    nodes.push({
      op: 'conv',
      input,
      output,
      conv,
      bn,
      inChannels: cin,
      outChannels: cout,
      kernel: k,
      stride,
      pad: (k - 1) >> 1,
      groups: 1,
      act: relu ? 'relu' : null,
    });
  };
  conv('input', 'stem', 'conv1', 'bn1', 3, 64, 7, 2, true);
  nodes.push({ op: 'maxpool', input: 'stem', output: 'pool', kernel: 3, stride: 2, pad: 1 });
  const expansion = cfg.block === 'basic' ? 1 : 4;
  let x = 'pool';
  let cin = 64;
  const taps: BackboneGraph['taps'] = [];
  cfg.layers.forEach((blocks, li) => {
    const planes = 64 << li;
    const layerStride = li === 0 ? 1 : 2;
    for (let b = 0; b < blocks; b++) {
      const p = `layer${li + 1}.${b}`;
      const stride = b === 0 ? layerStride : 1;
      const cout = planes * expansion;
      let shortcut = x;
      if (b === 0 && (stride !== 1 || cin !== cout)) {
        shortcut = `${p}.ds`;
        conv(x, shortcut, `${p}.downsample.0`, `${p}.downsample.1`, cin, cout, 1, stride, false);
      }
      let last: string;
      if (cfg.block === 'basic') {
        conv(x, `${p}.a`, `${p}.conv1`, `${p}.bn1`, cin, planes, 3, stride, true);
        conv(`${p}.a`, `${p}.b`, `${p}.conv2`, `${p}.bn2`, planes, planes, 3, 1, false);
        last = `${p}.b`;
      } else {
        const width = planes * cfg.widthFactor;
        conv(x, `${p}.a`, `${p}.conv1`, `${p}.bn1`, cin, width, 1, 1, true);
        conv(`${p}.a`, `${p}.b`, `${p}.conv2`, `${p}.bn2`, width, width, 3, stride, true);
        conv(`${p}.b`, `${p}.c`, `${p}.conv3`, `${p}.bn3`, width, cout, 1, 1, false);
        last = `${p}.c`;
      }
      nodes.push({ op: 'add', inputs: [last, shortcut], output: p, act: 'relu' });
      x = p;
      cin = cout;
    }
    taps.push({ module: `layer${li + 1}`, value: x, channels: cin, stride: 4 << li });
  });
  return { name, input: 'input', nodes, taps, bnEps: 1e-5 };
}
