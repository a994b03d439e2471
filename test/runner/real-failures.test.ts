/**
 * Failure isolation with the real data, models and engine modules: a corrupt image or a mask whose size
 * differs from its image fails its class's trials (naming the file, not retried), the other class's trials
 * succeed, and the objective lives on.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { generateSyntheticDataset, writePng } from '../../worker/data/index.js';
import type { GroupCallbacks, TrialOutcome } from '../../worker/objective-types.js';
import { createWepadimObjective } from '../../worker/runner/index.js';

const work = mkdtempSync(join(tmpdir(), 'wepadim-realfail-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = createLogger({}, { write: () => undefined });

function params(root: string, cls: string): TrialParams {
  return {
    objective: 'wepadim',
    dataset: 'folder',
    root,
    class: cls,
    backbone: 'resnet18',
    weights: 'random:0',
    wavelet: 'haar',
    level: 1,
    mode: 'zero',
    subbands: ['LL', 'LH', 'HL'],
    align: 'down',
    distance: 'squared',
    smoothing: 'reference',
    sigma: 4,
    cov_reg: 0.01,
    selection: null,
    synthetic: null,
  };
}

describe('wepadim objective with the real modules', () => {
  it('fails only the class with a corrupt image and keeps working', async () => {
    const root = join(work, 'data');
    await generateSyntheticDataset(root, { classes: ['weave', 'disc'], train: 4, test: 4, size: 256, seed: 3 });
    const goodDir = join(root, 'disc', 'train', 'good');
    const victim = join(goodDir, readdirSync(goodDir).sort()[1]);
    writeFileSync(victim, Buffer.from('this is not a PNG'));
    const p = (cls: string): TrialParams => params(root, cls);
    const trials = ['disc', 'weave'].map((c, i) => ({
      trialId: i,
      key: trialKey(p(c)),
      leaseId: 'L',
      fencingToken: 1,
      params: p(c),
    }));
    const outcomes = new Map<string, TrialOutcome>();
    const cb: GroupCallbacks = {
      progress: () => undefined,
      finished: (k, o) => outcomes.set(k, o),
      signalFor: () => new AbortController().signal,
    };
    const obj = createWepadimObjective({
      cacheDir: null,
      artifactsDir: join(work, 'art'),
      threads: 1,
      mapTrialsPerClass: 0,
      logger: createLogger({}, { write: () => undefined }),
    });
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

  it('fails the class whose mask has the wrong size, naming the mask, instead of scoring it', async () => {
    const root = join(work, 'masks');
    await generateSyntheticDataset(root, { classes: ['weave', 'disc'], train: 4, test: 4, size: 256, seed: 5 });
    const gtDir = join(root, 'disc', 'ground_truth');
    const defect = readdirSync(gtDir).sort()[0];
    const victim = join(gtDir, defect, readdirSync(join(gtDir, defect)).sort()[0]);
    await writePng(victim, new Uint8Array(100 * 50).fill(255), 100, 50, 1); // a 100x50 mask for a 256x256 image
    const trials = ['disc', 'weave'].map((c, i) => ({
      trialId: i,
      key: trialKey(params(root, c)),
      leaseId: 'L',
      fencingToken: 1,
      params: params(root, c),
    }));
    const outcomes = new Map<string, TrialOutcome>();
    const cb: GroupCallbacks = {
      progress: () => undefined,
      finished: (k, o) => outcomes.set(k, o),
      signalFor: () => new AbortController().signal,
    };
    const obj = createWepadimObjective({
      cacheDir: null,
      artifactsDir: join(work, 'art-masks'),
      threads: 1,
      mapTrialsPerClass: 0,
      logger: quiet,
    });
    try {
      await obj.runGroup(trials, cb);
      expect(outcomes.get(trials[0].key)).toEqual({
        ok: false,
        retryable: false,
        error: `DataError: ${victim}: mask is 100x50 but its image is 256x256`,
      });
      expect(outcomes.get(trials[1].key)?.ok).toBe(true);
    } finally {
      await obj.dispose?.();
    }
  }, 180_000);
});
