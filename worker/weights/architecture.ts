/**
 * What a torchvision state_dict of each backbone holds in full (names and shapes), beyond the truncated
 * graph the executors run: layer4 and fc for ResNets, features.7, features.8 and the classifier for
 * EfficientNets, and every batch norm's num_batches_tracked. A file holding tensors outside that set is
 * another architecture: a resnet34 checkpoint imported as resnet18 used to be accepted with 75 of its 218
 * tensors used. Also: every value must be finite, and running variances must not be negative.
 */
import { BACKBONES, type Backbone } from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import { quoted } from '../../shared/printable.js';
import { EFFICIENTNET_SCALES, efficientnetGraph } from '../models/efficientnet.js';
import { graphParams, type BackboneGraph } from '../models/graph.js';
import { RESNET_CONFIGS, resnetGraph } from '../models/resnet.js';
import type { StateDict } from './tensors.js';

/** Blocks of layer4 (the graph stops after layer3). */
const RESNET_LAYER4: Record<keyof typeof RESNET_CONFIGS, number> = { resnet18: 2, resnet34: 3, wide_resnet50_2: 3 };
/** Classifier heads may have any number of outputs (fine-tuned models); their input width must match. */
const ANY = -1;

function fullGraph(b: Backbone): BackboneGraph {
  if (b in RESNET_CONFIGS) {
    const cfg = RESNET_CONFIGS[b as keyof typeof RESNET_CONFIGS];
    return resnetGraph(b, { ...cfg, layers: [...cfg.layers, RESNET_LAYER4[b as keyof typeof RESNET_CONFIGS]] });
  }
  const [w, d, eps] = EFFICIENTNET_SCALES[b as keyof typeof EFFICIENTNET_SCALES];
  return efficientnetGraph(b, w, d, eps, 7);
}

const cache = new Map<Backbone, Map<string, number[]>>();

/** Every tensor of the backbone's full torchvision state_dict, with its shape (ANY: any size). */
export function fullStateDict(b: Backbone): Map<string, number[]> {
  const hit = cache.get(b);
  if (hit) return hit;
  const g = fullGraph(b);
  const out = new Map<string, number[]>();
  for (const p of graphParams(g)) out.set(p.name, p.shape);
  const lastConv = [...g.nodes].reverse().find((n) => n.op === 'conv');
  const width = lastConv && lastConv.op === 'conv' ? lastConv.outChannels : 0;
  let head: string;
  let features: number;
  if (b in RESNET_CONFIGS) {
    head = 'fc';
    features = width;
  } else {
    features = 4 * width; // features.8: 1x1 conv to 4x the last stage's channels, then BN and SiLU
    out.set('features.8.0.weight', [features, width, 1, 1]);
    for (const k of ['weight', 'bias', 'running_mean', 'running_var']) out.set(`features.8.1.${k}`, [features]);
    head = 'classifier.1';
  }
  for (const name of [...out.keys()]) {
    if (name.endsWith('.running_var')) out.set(name.replace(/running_var$/, 'num_batches_tracked'), []);
  }
  out.set(`${head}.weight`, [ANY, features]);
  out.set(`${head}.bias`, [ANY]);
  cache.set(b, out);
  return out;
}

function fits(shape: readonly number[], want: readonly number[]): boolean {
  return shape.length === want.length && shape.every((d, i) => want[i] === ANY || d === want[i]);
}

/** Tensors of `sd` that the backbone's full state_dict does not have (or has with another shape). */
export function foreignTensors(b: Backbone, sd: StateDict): string[] {
  const full = fullStateDict(b);
  return [...sd]
    .filter(([name, t]) => {
      const want = full.get(name);
      return want === undefined || !fits(t.shape, want);
    })
    .map(([name]) => name);
}

/**
 * Refuse a file that holds tensors the named architecture does not have (a deeper or wider network),
 * naming some of them and the catalogue architectures the file does fit; `allowExtra` accepts it.
 * Returns the names of the tensors that will be ignored.
 */
export function checkArchitecture(arch: Backbone, sd: StateDict, file: string, allowExtra: boolean): string[] {
  const foreign = foreignTensors(arch, sd);
  if (foreign.length === 0 || allowExtra) return foreign;
  const shown =
    foreign
      .slice(0, 3)
      .map((n) => quoted(n))
      .join(', ') + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : '');
  const fitting = BACKBONES.filter((b) => b !== arch && foreignTensors(b, sd).length === 0);
  const guess =
    fitting.length > 0
      ? `it looks like ${fitting.join(' or ')}: import it with --arch ${fitting[0]}`
      : `it is not a torchvision ${arch} state_dict`;
  throw new UserError(
    `${foreign.length} of the file's ${sd.size} tensors are not part of ${arch} (${shown}); ${guess}, ` +
      `or pass --allow-extra to use only the ${arch} tensors`,
    { file },
  );
}

/** Refuse NaN or infinite values anywhere in the file, and negative batch-norm running variances. */
export function checkValues(sd: StateDict, file: string): void {
  for (const [name, t] of sd) {
    let bad = 0;
    let first = -1;
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad > 0) {
      throw new UserError(
        `tensor ${quoted(name)} holds ${bad} NaN or infinite value(s) (the first at index ${first}, ${t.data[first]}): refusing broken weights`,
        { file },
      );
    }
    if (name.endsWith('.running_var')) {
      const neg = t.data.findIndex((v) => v < 0);
      if (neg >= 0)
        throw new UserError(
          `tensor ${quoted(name)} holds a negative variance (${t.data[neg]} at index ${neg}): refusing broken weights`,
          { file },
        );
    }
  }
}
