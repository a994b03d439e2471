/** Child of bench/runner.ts: one trial (resnet18 sym4 J2) in a fresh process; prints its peak RSS. */
import { createLogger } from '../shared/log.js';
import { trialKey, type TrialParams } from '../shared/trial.js';
import type { TrialOutcome } from '../worker/objective-types.js';
import { createWepadimObjective } from '../worker/runner/index.js';

const [root, threads] = process.argv.slice(2);
const p: TrialParams = {
  objective: 'wepadim',
  dataset: 'folder',
  root,
  class: 'weave',
  backbone: 'resnet18',
  weights: 'random:0',
  wavelet: 'sym4',
  level: 2,
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
  `PEAK_RSS_MB ${process.resourceUsage().maxRSS / 1024} WALL_S ${wall} IMAGE_AUROC ${o.result.metrics.image_auroc}`,
);
await obj.dispose?.();
