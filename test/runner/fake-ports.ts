/**
 * Small deterministic stand-ins for the data, models and engine modules, which record how often each
 * is called. They let the runner's orchestration (grouping, caching, failure isolation, artifacts) be
 * tested without the heavy modules; the e2e tests use the real ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../shared/errors.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import type { SampleRef } from '../../worker/data/types.js';
import type { VariantOutcome } from '../../worker/engine/types.js';
import { readImages } from '../../worker/engine/tap-source.js';
import type { RunnerPorts } from '../../worker/runner/ports.js';

export interface Calls {
  listClass: number;
  extractImages: number;
  engineGroups: number;
  engineVariants: number;
  keepMaps: number;
  pngs: string[];
}

const S = 224;

/** image i of a class: a constant value derived from its file name */
function pixelValue(path: string): number {
  let h = 0;
  for (const ch of path) h = (h * 31 + ch.charCodeAt(0)) % 1000;
  return h / 1000;
}

export function makeDataset(root: string, classes: Record<string, { train: number; test: number }>): void {
  for (const [cls, n] of Object.entries(classes)) {
    for (let i = 0; i < n.train; i++) writeFileSync(join(root, `${cls}-train-${i}.img`), `t${i}`);
    for (let i = 0; i < n.test; i++) writeFileSync(join(root, `${cls}-test-${i}.img`), `s${i}`);
  }
}

export function fakePorts(
  classes: Record<string, { train: number; test: number }>,
  opts: { corrupt?: string } = {},
): { ports: RunnerPorts; calls: Calls } {
  const calls: Calls = { listClass: 0, extractImages: 0, engineGroups: 0, engineVariants: 0, keepMaps: 0, pngs: [] };
  const ports: RunnerPorts = {
    data: {
      listClass(_kind, r, cls) {
        calls.listClass++;
        const n = classes[cls];
        if (!n) throw new DataError(`no class ${cls}`, r);
        const train: SampleRef[] = Array.from({ length: n.train }, (_, i) => ({
          path: join(r, `${cls}-train-${i}.img`),
          label: 0,
          defect: 'good',
          maskPath: null,
        }));
        const test: SampleRef[] = Array.from({ length: n.test }, (_, i) => ({
          path: join(r, `${cls}-test-${i}.img`),
          label: i % 2 === 0 ? 0 : 1,
          defect: i % 2 === 0 ? 'good' : i % 4 === 1 ? 'crack' : 'hole',
          maskPath: i % 2 === 0 ? null : join(r, `${cls}-test-${i}.img`),
        }));
        return { train, test };
      },
      loadBatch(samples) {
        const images = new Float32Array(samples.length * 3 * S * S);
        samples.forEach((s, i) => {
          if (opts.corrupt && s.path.includes(opts.corrupt))
            throw new DataError('corrupt image: bad PNG signature', s.path);
          images.fill(
            pixelValue(s.path) +
              (s.path.includes('-test-') && Number(s.path.split('-').pop()!.split('.')[0]) % 2 === 1 ? 1 : 0),
            i * 3 * S * S,
            (i + 1) * 3 * S * S,
          );
        });
        return { images, rgb: samples.map(() => new Uint8Array(S * S * 3).fill(100)) };
      },
      loadMasks(samples) {
        return samples.map((s) => {
          const m = new Uint8Array(S * S);
          if (s.maskPath) m.fill(1, 50 * S, 60 * S);
          return m;
        });
      },
      writePng(path) {
        calls.pngs.push(path);
      },
    },
    models: {
      createFeatureExtractor(req) {
        return {
          info: { executor: 'fake', version: 'fake 1', device: 'cpu' },
          weightsId: req.weights.startsWith('random:') ? `random-init seed ${req.weights.slice(7)}` : req.weights,
          async extract(images: Float32Array, n: number): Promise<FeatureBatch[]> {
            calls.extractImages += n;
            const a = featureBatch(n, 2, 4, 4);
            for (let i = 0; i < n; i++) a.data.fill(images[i * 3 * S * S], i * 32, (i + 1) * 32);
            return [a];
          },
          dispose() {},
        };
      },
    },
    engine: {
      evaluateDwtGroup(features, truth, dwt, variants, o) {
        calls.engineGroups++;
        calls.engineVariants += variants.length;
        if (o?.keepMaps) calls.keepMaps++;
        const t = readImages(features.test[0], 0, features.test[0].n);
        const n = t.n;
        const outcomes: VariantOutcome[] = variants.map((v, vi) => {
          if (v.cov_reg < 0) throw new Error('non-finite covariance (NaN)');
          const scores = new Float32Array(n);
          for (let i = 0; i < n; i++) scores[i] = t.data[i * 32] * v.sigma + v.cov_reg + dwt.level;
          const auc = (idx: ArrayLike<number>): number => {
            let pos = 0;
            let tot = 0;
            const ii = Array.from(idx);
            for (const a of ii)
              for (const b of ii)
                if (truth.labels[a] === 1 && truth.labels[b] === 0) {
                  tot++;
                  pos += scores[a] > scores[b] ? 1 : scores[a] === scores[b] ? 0.5 : 0;
                }
            return tot ? pos / tot : NaN;
          };
          const all = Array.from({ length: n }, (_, i) => i);
          const subsets: Record<string, { image_auroc: number; pixel_auroc: number }> = {};
          for (const s of o?.subsets ?? [])
            subsets[s.name] = { image_auroc: auc(s.indices), pixel_auroc: auc(s.indices) / 2 };
          const image = auc(all) * (1 - v.cov_reg);
          const maps = o?.keepMaps?.(vi)
            ? new Float32Array(n * S * S).map((_, p) => scores[Math.floor(p / (S * S))])
            : null;
          const outcome: VariantOutcome = {
            metrics: {
              image_auroc: image,
              pixel_auroc: image / 2,
              aupro: 0.3,
              f1_max: 0.5,
              f1_threshold: 1.5,
              per_defect: { crack: image, hole: image },
              subsets,
            },
            imageScores: scores,
            maps,
            timings: { fit_s: 0.01, score_s: 0.02, metrics_s: 0.003, dwt_s: 0.05 },
          };
          o?.onVariantDone?.(vi, outcome);
          return outcome;
        });
        return { outcomes, timings: { dwt_s: 0.05 } };
      },
    },
  };
  return { ports, calls };
}
