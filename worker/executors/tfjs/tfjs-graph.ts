/**
 * Run a backbone graph with @tensorflow/tfjs-core ops (any backend: tensorflow, wasm). Layout NHWC inside;
 * NCHW in and out. Padding is explicit (tfjs 'same' pads stride-2 convolutions asymmetrically, torchvision
 * symmetrically). SE layers use 2-D matMul (batched matMul is ~13x slower on wasm).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { Activation, BackboneGraph } from '../../models/graph.js';
import type { FoldedConv, FoldedWeights } from '../../weights/fold.js';

type Tf = typeof tfc;

export interface TfWeights {
  filters: Map<string, tfc.Tensor4D | tfc.Tensor2D>;
  biases: Map<string, tfc.Tensor1D>;
}

/** torch [o, i, kh, kw] -> tfjs [kh, kw, i, o]; depthwise torch [c, 1, kh, kw] -> [kh, kw, c, 1]. */
function toHwio(f: FoldedConv, o: number, i: number, k: number, depthwise: boolean): Float32Array {
  const out = new Float32Array(f.weight.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) {
          const src = ((a * i + b) * k + y) * k + x;
          out[depthwise ? (y * k + x) * o + a : ((y * k + x) * i + b) * o + a] = f.weight[src];
        }
  return out;
}

export function uploadWeights(tf: Tf, g: BackboneGraph, w: FoldedWeights): TfWeights {
  const filters: TfWeights['filters'] = new Map();
  const biases: TfWeights['biases'] = new Map();
  const get = (k: string): FoldedConv => {
    const f = w.get(k);
    if (!f) throw new Error(`internal: no folded weights for ${k}`);
    return f;
  };
  for (const n of g.nodes) {
    if (n.op === 'conv') {
      const f = get(n.conv);
      const dw = n.groups > 1;
      if (dw && n.groups !== n.inChannels) throw new Error(`internal: grouped conv ${n.conv} is not depthwise`);
      const cin = n.inChannels / n.groups;
      filters.set(
        n.conv,
        tf.tensor4d(
          toHwio(f, n.outChannels, cin, n.kernel, dw),
          dw ? [n.kernel, n.kernel, n.outChannels, 1] : [n.kernel, n.kernel, cin, n.outChannels],
        ),
      );
      biases.set(n.conv, tf.tensor1d(f.bias));
    } else if (n.op === 'se') {
      for (const [key, o, i] of [
        [n.fc1, n.squeeze, n.channels],
        [n.fc2, n.channels, n.squeeze],
      ] as const) {
        const f = get(key);
        filters.set(key, tf.tensor2d(toHwio(f, o, i, 1, false), [i, o]));
        biases.set(key, tf.tensor1d(f.bias));
      }
    }
  }
  return { filters, biases };
}

export function disposeWeights(w: TfWeights): void {
  for (const t of w.filters.values()) t.dispose();
  for (const t of w.biases.values()) t.dispose();
}

function act<T extends tfc.Tensor>(tf: Tf, x: T, a: Activation): T {
  if (a === 'relu') return tf.relu(x);
  if (a === 'sigmoid') return tf.sigmoid(x);
  if (a === 'silu') return tf.mul(x, tf.sigmoid(x));
  return x;
}

/**
 * Forward pass; returns the taps as NCHW float32 arrays. The data is read outside tf.tidy: tidy walks what it
 * returns and puts every element of a returned typed array into a Set, which costs ~1 us per distinct value.
 */
export function runGraphTf(
  tf: Tf,
  g: BackboneGraph,
  w: TfWeights,
  input: Float32Array,
  n: number,
  size: number,
): Float32Array[] {
  const taps = forwardTf(tf, g, w, input, n, size);
  try {
    return taps.map((t) => (t.dataSync() as Float32Array).slice());
  } finally {
    for (const t of taps) t.dispose();
  }
}

function forwardTf(
  tf: Tf,
  g: BackboneGraph,
  w: TfWeights,
  input: Float32Array,
  n: number,
  size: number,
): tfc.Tensor4D[] {
  return tf.tidy(() => {
    const vals = new Map<string, tfc.Tensor4D>();
    vals.set(g.input, tf.transpose(tf.tensor4d(input, [n, g.inputChannels ?? 3, size, size]), [0, 2, 3, 1]));
    const val = (k: string): tfc.Tensor4D => {
      const v = vals.get(k);
      if (!v) throw new Error(`internal: value ${k} not computed`);
      return v;
    };
    for (const node of g.nodes) {
      switch (node.op) {
        case 'conv': {
          const filter = w.filters.get(node.conv) as tfc.Tensor4D;
          const bias = w.biases.get(node.conv);
          const fusedAct = node.act === 'relu' || node.act === 'sigmoid' ? node.act : 'linear';
          const y =
            node.groups > 1
              ? tf.fused.depthwiseConv2d({
                  x: val(node.input),
                  filter,
                  strides: node.stride,
                  pad: node.pad,
                  bias,
                  activation: fusedAct,
                })
              : tf.fused.conv2d({
                  x: val(node.input),
                  filter,
                  strides: node.stride,
                  pad: [
                    [0, 0],
                    [node.pad, node.pad],
                    [node.pad, node.pad],
                    [0, 0],
                  ],
                  bias,
                  activation: fusedAct,
                });
          vals.set(node.output, node.act === 'silu' ? act(tf, y, 'silu') : y);
          break;
        }
        case 'add':
          vals.set(node.output, act(tf, tf.add(val(node.inputs[0]), val(node.inputs[1])), node.act));
          break;
        case 'maxpool':
          vals.set(node.output, tf.maxPool(val(node.input), node.kernel, node.stride, node.pad));
          break;
        case 'se': {
          const x = val(node.input);
          const s0 = tf.reshape(tf.avgPool(x, [x.shape[1], x.shape[2]], 1, 'valid'), [n, node.channels]); // 3x faster than mean on wasm
          const s1 = act(
            tf,
            tf.add(tf.matMul(s0, w.filters.get(node.fc1) as tfc.Tensor2D), w.biases.get(node.fc1) as tfc.Tensor1D),
            'silu',
          );
          const s2 = tf.sigmoid(
            tf.add(tf.matMul(s1, w.filters.get(node.fc2) as tfc.Tensor2D), w.biases.get(node.fc2) as tfc.Tensor1D),
          );
          vals.set(node.output, tf.mul(x, tf.reshape(s2, [n, 1, 1, node.channels])));
          break;
        }
      }
    }
    return g.taps.map((t) => tf.transpose(val(t.value), [0, 3, 1, 2]));
  });
}
