/**
 * Failure isolation with the real data, models and engine modules: a corrupt image fails its class's
 * trials (naming the file, not retried), the other class's trials succeed, and the objective lives on.
 */
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { generateSyntheticDataset } from '../../worker/data/index.js';
import type { GroupCallbacks, TrialOutcome } from '../../worker/objective-types.js';
import { createWepadimObjective } from '../../worker/runner/index.js';

const work = mkdtempSync(join(tmpdir(), 'wepadim-realfail-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('wepadim objective with the real modules', () => {
  it('fails only the class with a corrupt image and keeps working', async () => {
    const root = join(work, 'data');
    await generateSyntheticDataset(root, { classes: ['weave', 'disc'], train: 4, test: 4, size: 256, seed: 3 });
    const goodDir = join(root, 'disc', 'train', 'good');
    const victim = join(goodDir, readdirSync(goodDir).sort()[1]);
    writeFileSync(victim, Buffer.from('this is not a PNG'));
    const p = (cls: string): TrialParams => ({
      objective: 'wepadim', dataset: 'folder', root, class: cls, backbone: 'resnet18', weights: 'random:0', wavelet: 'haar', level: 1,
      mode: 'zero', subbands: ['LL', 'LH', 'HL'], align: 'down', distance: 'squared', smoothing: 'reference', sigma: 4, cov_reg: 0.01,
      selection: null, synthetic: null,
    });
    const trials = ['disc', 'weave'].map((c, i) => ({ trialId: i, key: trialKey(p(c)), leaseId: 'L', fencingToken: 1, params: p(c) }));
    const outcomes = new Map<string, TrialOutcome>();
    const cb: GroupCallbacks = { progress: () => undefined, finished: (k, o) => outcomes.set(k, o), signalFor: () => new AbortController().signal };
    const obj = createWepadimObjective({ cacheDir: null, artifactsDir: join(work, 'art'), threads: 1, mapTrialsPerClass: 0, logger: createLogger({}, { write: () => undefined }) });
    try {
      await obj.runGroup(trials, cb);
      const bad = outcomes.get(trials[0].key);
      const good = outcomes.get(trials[1].key);
      expect(bad).toMatchObject({ ok: false, retryable: false });
      expect(bad && !bad.ok && bad.error).toContain(victim);
      expect(good?.ok).toBe(true);
      // the objective lives on: the good class again, now from the memory cache
      outcomes.clear();
      await obj.runGroup([trials[1]], cb);
      const again = outcomes.get(trials[1].key);
      expect(again?.ok && again.result.metrics.image_auroc).toBe(good?.ok && good.result.metrics.image_auroc);
    } finally {
      await obj.dispose?.();
    }
  }, 180_000);
});
