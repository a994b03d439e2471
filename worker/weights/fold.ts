/**
 * Fold inference-mode batch norm into the preceding convolution:
 *   y = gamma * (conv(x) - mean) / sqrt(var + eps) + beta  ==  conv'(x) + b'
 * with W'[o] = W[o] * s[o], b'[o] = beta[o] - mean[o] * s[o], s = gamma / sqrt(var + eps).
 * Computed in float64, stored in float32.
 */
import { ShapeError, UserError } from '../../shared/errors.js';
import type { BackboneGraph, ParamSpec } from '../models/graph.js';
import { graphParams } from '../models/graph.js';
import type { StateDict } from './tensors.js';

export interface FoldedConv {
  /** [out, in/groups, k, k] */
  weight: Float32Array;
  bias: Float32Array;
}

/** Folded parameters per conv prefix (convs and SE fc layers alike). */
export type FoldedWeights = Map<string, FoldedConv>;

/** Check that `sd` has every tensor the graph needs with the right shape; throw naming the first mismatch. */
export function checkStateDict(g: BackboneGraph, sd: StateDict, source: string): ParamSpec[] {
  const specs = graphParams(g);
  for (const p of specs) {
    const t = sd.get(p.name);
    if (!t)
      throw new UserError(`tensor "${p.name}" is missing: this is not a torchvision ${g.name} state_dict`, {
        file: source,
      });
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new UserError(
        `tensor "${p.name}" has shape [${t.shape.join(', ')}], expected [${p.shape.join(', ')}] for ${g.name}`,
        { file: source },
      );
    }
  }
  return specs;
}

export function foldWeights(g: BackboneGraph, sd: StateDict): FoldedWeights {
  const out: FoldedWeights = new Map();
  const get = (name: string): Float32Array => {
    const t = sd.get(name);
    if (!t) throw new ShapeError(`missing tensor ${name}`);
    return t.data;
  };
  for (const n of g.nodes) {
    if (n.op === 'conv') {
      const w = get(`${n.conv}.weight`);
      if (n.bn === null) {
        out.set(n.conv, { weight: w, bias: get(`${n.conv}.bias`) });
        continue;
      }
      const gamma = get(`${n.bn}.weight`);
      const beta = get(`${n.bn}.bias`);
      const mean = get(`${n.bn}.running_mean`);
      const vr = get(`${n.bn}.running_var`);
      const per = w.length / n.outChannels;
      const fw = new Float32Array(w.length);
      const fb = new Float32Array(n.outChannels);
      for (let o = 0; o < n.outChannels; o++) {
        const s = gamma[o] / Math.sqrt(vr[o] + g.bnEps);
        for (let i = o * per; i < (o + 1) * per; i++) fw[i] = w[i] * s;
        fb[o] = beta[o] - mean[o] * s;
      }
      out.set(n.conv, { weight: fw, bias: fb });
    } else if (n.op === 'se') {
      out.set(n.fc1, { weight: get(`${n.fc1}.weight`), bias: get(`${n.fc1}.bias`) });
      out.set(n.fc2, { weight: get(`${n.fc2}.weight`), bias: get(`${n.fc2}.bias`) });
    }
  }
  return out;
}
