/**
 * A backbone as a small graph description, independent of any tensor library.
 * Every convolution is followed by batch norm in torchvision; at load time the two are folded into one
 * convolution with bias (see worker/weights/fold.ts), so executors only see `conv` nodes with a bias.
 * Values are named; nodes are in topological order; `taps` name the values the caller wants back.
 */

export type Activation = 'relu' | 'silu' | 'sigmoid' | null;

/** Convolution (+ folded batch norm) + optional activation. Padding is symmetric, as in torchvision. */
export interface ConvNode {
  op: 'conv';
  input: string;
  output: string;
  /** state_dict prefix of the Conv2d, e.g. "layer1.0.conv1" (its weight is `${conv}.weight`) */
  conv: string;
  /** state_dict prefix of the BatchNorm2d that follows, or null when the conv has its own bias (SE fc layers) */
  bn: string | null;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: number;
  groups: number;
  act: Activation;
}

/** Elementwise a + b, then an optional activation (ResNet blocks end with add + ReLU). */
export interface AddNode {
  op: 'add';
  inputs: [string, string];
  output: string;
  act: Activation;
}

/** Max pooling with symmetric padding (ResNet stem: kernel 3, stride 2, pad 1). Padding never wins the max. */
export interface MaxPoolNode {
  op: 'maxpool';
  input: string;
  output: string;
  kernel: number;
  stride: number;
  pad: number;
}

/**
 * Squeeze-excite (torchvision SqueezeExcitation): s = sigmoid(fc2(silu(fc1(avgpool(x))))); out = x * s.
 * fc1/fc2 are 1x1 convolutions with bias, named by their state_dict prefixes.
 */
export interface SqueezeExciteNode {
  op: 'se';
  input: string;
  output: string;
  fc1: string;
  fc2: string;
  channels: number;
  squeeze: number;
}

export type GraphNode = ConvNode | AddNode | MaxPoolNode | SqueezeExciteNode;

export interface TapSpec {
  /** torchvision module name, e.g. "layer1" */
  module: string;
  /** graph value holding that module's output */
  value: string;
  channels: number;
  /** stride of this tap relative to the input (size = input / stride) */
  stride: number;
}

export interface BackboneGraph {
  name: string;
  /** name of the input value: NCHW float32, already normalised */
  input: string;
  /** channels of the input (3 for every backbone; other values only for micro-benchmark graphs) */
  inputChannels?: number;
  nodes: GraphNode[];
  taps: TapSpec[];
  /** batch-norm epsilon used by every BatchNorm2d of this architecture */
  bnEps: number;
}

/** One tensor the architecture expects in a torchvision state_dict (only those the truncated graph uses). */
export interface ParamSpec {
  name: string;
  shape: number[];
  kind: 'conv_weight' | 'conv_bias' | 'bn_weight' | 'bn_bias' | 'bn_mean' | 'bn_var';
  /** fan-in for convolution weights (in/groups * k * k); 0 otherwise */
  fanIn: number;
}

/** Every state_dict tensor the graph needs, in node order. */
export function graphParams(g: BackboneGraph): ParamSpec[] {
  const out: ParamSpec[] = [];
  const bn = (p: string, c: number): void => {
    out.push({ name: `${p}.weight`, shape: [c], kind: 'bn_weight', fanIn: 0 });
    out.push({ name: `${p}.bias`, shape: [c], kind: 'bn_bias', fanIn: 0 });
    out.push({ name: `${p}.running_mean`, shape: [c], kind: 'bn_mean', fanIn: 0 });
    out.push({ name: `${p}.running_var`, shape: [c], kind: 'bn_var', fanIn: 0 });
  };
  const conv = (p: string, cout: number, cinPerGroup: number, k: number, bias: boolean): void => {
    out.push({
      name: `${p}.weight`,
      shape: [cout, cinPerGroup, k, k],
      kind: 'conv_weight',
      fanIn: cinPerGroup * k * k,
    });
    if (bias) out.push({ name: `${p}.bias`, shape: [cout], kind: 'conv_bias', fanIn: cinPerGroup * k * k });
  };
  for (const n of g.nodes) {
    if (n.op === 'conv') {
      conv(n.conv, n.outChannels, n.inChannels / n.groups, n.kernel, n.bn === null);
      if (n.bn !== null) bn(n.bn, n.outChannels);
    } else if (n.op === 'se') {
      conv(n.fc1, n.squeeze, n.channels, 1, true);
      conv(n.fc2, n.channels, n.squeeze, 1, true);
    }
  }
  return out;
}

/** Multiply-accumulate count of the graph for one image of size `input` (for benchmarks and doctor). */
export function graphMacs(g: BackboneGraph, input: number): number {
  const size = new Map<string, number>([[g.input, input]]);
  let macs = 0;
  for (const n of g.nodes) {
    if (n.op === 'conv') {
      const s = size.get(n.input) ?? input;
      const o = Math.floor((s + 2 * n.pad - n.kernel) / n.stride) + 1;
      size.set(n.output, o);
      macs += o * o * n.outChannels * (n.inChannels / n.groups) * n.kernel * n.kernel;
    } else if (n.op === 'maxpool') {
      const s = size.get(n.input) ?? input;
      size.set(n.output, Math.floor((s + 2 * n.pad - n.kernel) / n.stride) + 1);
    } else if (n.op === 'add') {
      size.set(n.output, size.get(n.inputs[0]) ?? input);
    } else {
      size.set(n.output, size.get(n.input) ?? input);
    }
  }
  return macs;
}
