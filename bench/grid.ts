/**
 * Grid expansion speed: loadSweepFile on the shipped configs against a baseline measured in the same run,
 * hashing the same number of trials with trialKey (the unavoidable part). Prints ms and the ratio.
 * Run: node bin/run-ts.js bench/grid.ts
 */
import { performance } from 'node:perf_hooks';
import { loadSweepFile } from '../coordinator/grid/index.js';
import { trialKey, type TrialParams } from '../shared/trial.js';

function best(fn: () => void, reps = 5): number {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const files = ['configs/demo.yaml', 'configs/phase1-reduced.yaml', 'configs/phase2-ablation.yaml'];
console.log('file                             trials   expand ms   keys-only ms   ratio');
for (const f of files) {
  const trials = loadSweepFile(f).trials;
  const params: TrialParams[] = trials.map((t) => ({ ...t.params }));
  const expandMs = best(() => loadSweepFile(f));
  const keysMs = best(() => {
    for (const p of params) trialKey(p);
  });
  console.log(
    `${f.padEnd(32)} ${String(trials.length).padStart(6)} ${expandMs.toFixed(1).padStart(11)} ${keysMs.toFixed(1).padStart(14)} ${(expandMs / keysMs).toFixed(2).padStart(7)}`,
  );
}
