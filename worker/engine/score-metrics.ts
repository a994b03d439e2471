/** All metrics of one variant from its smoothed maps (n x CROP x CROP) and the test truth. */
import { ShapeError } from '../../shared/errors.js';
import { auproFromSorted, regionCodes, type RegionCodes } from './aupro.js';
import { curveFromSorted, f1FromCurve, perDefectAuroc, rocAuc, rocAucFromCurve } from './metrics.js';
import { sortByScoreDesc } from './sort.js';
import { CROP, type EvalSubset, type TestTruth, type VariantMetrics } from './types.js';

/** Image score = max of each map (spec 7.4). */
export function imageMax(maps: Float32Array, n: number, size: number): Float32Array {
  const out = new Float32Array(n);
  const hw = size * size;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = i * hw; j < (i + 1) * hw; j++) if (maps[j] > m) m = maps[j];
    out[i] = m;
  }
  return out;
}

/** Region codes depend only on the masks: computed once per truth and reused by every variant. */
const regionCache = new WeakMap<Uint8Array, RegionCodes>();

function regionsOf(masks: Uint8Array, n: number): RegionCodes {
  let rc = regionCache.get(masks);
  if (!rc) {
    rc = regionCodes(masks, n, CROP, CROP);
    regionCache.set(masks, rc);
  }
  return rc;
}

export function scoreMaps(maps: Float32Array, truth: TestTruth, n: number, subsets: readonly EvalSubset[]): { metrics: VariantMetrics; imageScores: Float32Array } {
  const imageScores = imageMax(maps, n, CROP);
  const rc = regionsOf(truth.masks, n);
  const sorted = sortByScoreDesc(maps, rc.codes); // one sort serves pixel AUROC, F1 and AUPRO
  const curve = curveFromSorted(sorted);
  const f1 = f1FromCurve(curve);
  const hw = CROP * CROP;
  const sub: VariantMetrics['subsets'] = {};
  for (const s of subsets) {
    const k = s.indices.length;
    const px = new Float32Array(k * hw);
    const pl = new Uint8Array(k * hw);
    const labels = truth.masks;
    s.indices.forEach((img, j) => {
      px.set(maps.subarray(img * hw, (img + 1) * hw), j * hw);
      pl.set(labels.subarray(img * hw, (img + 1) * hw), j * hw);
    });
    try {
      sub[s.name] = {
        image_auroc: rocAuc(Uint8Array.from(s.indices, (img) => truth.labels[img]), Float32Array.from(s.indices, (img) => imageScores[img])),
        pixel_auroc: rocAuc(pl, px),
      };
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`test subset '${s.name}': ${e.message}`, { ...e.sizes, images: k });
      throw e;
    }
  }
  return {
    imageScores,
    metrics: {
      image_auroc: rocAuc(truth.labels, imageScores),
      pixel_auroc: rocAucFromCurve(curve),
      aupro: auproFromSorted(sorted, rc, 0.3),
      f1_max: f1.f1,
      f1_threshold: f1.threshold,
      per_defect: perDefectAuroc(truth.defects, imageScores),
      subsets: sub,
    },
  };
}
