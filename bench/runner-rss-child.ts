/**
 * Child of bench/runner.ts: one trial in a fresh process; prints its peak RSS.
 * Args: root threads [backbone [wavelet level [max-rss MB]]] (default resnet18 sym4 2, no budget); class 'weave'.
 */
import { createLogger } from '../shared/log.js';
import { trialKey, type TrialParams } from '../shared/trial.js';
import type { TrialOutcome } from '../worker/objective-types.js';
import { createWepadimObjective } from '../worker/runner/index.js';

const [root, threads, backbone = 'resnet18', wavelet = 'sym4', level = '2', maxRssMb] = process.argv.slice(2);
const p: TrialParams = {
  objective: 'wepadim',
  dataset: 'folder',
  root,
  class: 'weave',
  backbone: backbone as TrialParams['backbone'],
  weights: 'random:0',
  wavelet: wavelet as TrialParams['wavelet'],
  level: Number(level),
  mode: 'zero',
  subbands: ['LL', 'LH', 'HL'],
  align: 'down',
  distance: 'squared',
  smoothing: 'reference',
  sigma: 2,
  cov_reg: 0.01,
  selection: null,
  synthetic: null,
};
const obj = createWepadimObjective({
  cacheDir: null,
  artifactsDir: `${root}/artifacts`,
  threads: Number(threads),
  mapTrialsPerClass: 0,
  ...(maxRssMb ? { maxRssBytes: Number(maxRssMb) * 1024 * 1024 } : {}),
  logger: createLogger({}, { write: () => undefined }),
});
let outcome: TrialOutcome | null = null;
const ctl = new AbortController();
const t0 = performance.now();
await obj.runGroup([{ trialId: 1, key: trialKey(p), leaseId: 'rss', fencingToken: 1, params: p }], {
  progress: () => undefined,
  finished: (_k, o) => (outcome = o),
  signalFor: () => ctl.signal,
});
const wall = (performance.now() - t0) / 1000;
const o = outcome as TrialOutcome | null;
if (!o?.ok) {
  console.log(`FAILED ${o ? o.error : 'no outcome'}`);
  process.exit(1);
}
console.log(
  `PEAK_RSS_MB ${process.resourceUsage().maxRSS / 1024} WALL_S ${wall} IMAGE_AUROC ${o.result.metrics.image_auroc}` +
    ` PIXEL_AUROC ${o.result.metrics.pixel_auroc} TAPS ${JSON.stringify(o.result.details?.feature_taps ?? 'memory')}`,
);
await obj.dispose?.();
