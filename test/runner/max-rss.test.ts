/**
 * `worker --max-rss`: a class whose DWT blocks do not fit the memory budget is computed one block at a time and
 * completes with the same numbers (real engine; fake data and backbone with seeded, non-degenerate features).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import type { GroupCallbacks, LeasedTrial, TrialOutcome } from '../../worker/objective-types.js';
import { createWepadimObjective } from '../../worker/runner/index.js';
import type { EnginePort, RunnerPorts } from '../../worker/runner/ports.js';
import { rand } from '../engine/prng.js';
import { fakePorts, makeDataset } from './fake-ports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wepadim-maxrss-'));
  dirs.push(d);
  return d;
};
const S = 224;

/** Real engine, fake data; the backbone gives two taps of seeded values that depend on the image. */
async function ports(classes: Record<string, { train: number; test: number }>): Promise<RunnerPorts> {
  const fake = fakePorts(classes).ports;
  const engine = (await import('../../worker/engine/index.js')) as EnginePort;
  return {
    // the fake images' values hash the file's path: hash only its name, so the features (and the AUROC checked
    // below) do not depend on the random temp folder (a random root gave an AUROC of 0 about once in ten runs)
    data: {
      ...fake.data,
      loadBatch: (samples) => fake.data.loadBatch(samples.map((s) => ({ ...s, path: basename(s.path) }))),
    },
    engine,
    models: {
      createFeatureExtractor: () => ({
        info: { executor: 'fake', version: 'fake 1', device: 'cpu' },
        weightsId: 'random-init seed 0',
        async extract(images: Float32Array, n: number): Promise<FeatureBatch[]> {
          const a = featureBatch(n, 6, 8, 8);
          const b = featureBatch(n, 10, 4, 4);
          for (let i = 0; i < n; i++) {
            const seed = Math.round(images[i * 3 * S * S] * 1000) + 1;
            a.data.set(rand(seed, 6 * 64), i * 6 * 64);
            b.data.set(rand(seed + 7, 10 * 16), i * 10 * 16);
          }
          return [a, b];
        },
        dispose() {},
      }),
    },
  };
}

const classes = { big: { train: 12, test: 8 } };

async function run(root: string, maxRssBytes: number | undefined): Promise<Map<string, TrialOutcome>> {
  const out = new Map<string, TrialOutcome>();
  const cb: GroupCallbacks = {
    progress: () => undefined,
    finished: (k, o) => out.set(k, o),
    signalFor: () => new AbortController().signal,
  };
  const obj = createWepadimObjective({
    cacheDir: null,
    artifactsDir: tmp(),
    ports: await ports(classes),
    mapTrialsPerClass: 0,
    maxRssBytes,
    logger: createLogger({}, { write: () => undefined }),
  });
  const trials: LeasedTrial[] = [];
  for (const subbands of [['LL', 'LH', 'HL'], ['LL', 'LH', 'HL', 'HH'], ['HH']] as TrialParams['subbands'][])
    for (const cov_reg of [0.1, 0.001]) {
      const p: TrialParams = {
        objective: 'wepadim',
        dataset: 'folder',
        root,
        class: 'big',
        backbone: 'resnet18',
        weights: 'random:0',
        wavelet: 'db2',
        level: 1,
        mode: 'zero',
        subbands,
        align: 'down',
        distance: 'squared',
        smoothing: 'reference',
        sigma: 2,
        cov_reg,
        selection: null,
        synthetic: null,
      };
      trials.push({ trialId: trials.length, key: trialKey(p), leaseId: 'L', fencingToken: 1, params: p });
    }
  await obj.runGroup(trials, cb);
  await obj.dispose?.();
  return out;
}

describe('worker --max-rss', () => {
  it('computes a class over the budget one DWT block at a time, with the same numbers', async () => {
    const root = tmp();
    makeDataset(root, classes);
    const free = await run(root, undefined);
    const tight = await run(root, 1); // 1 byte: always over budget
    expect(free.size).toBe(6);
    for (const [k, a] of free) {
      const b = tight.get(k);
      if (!a.ok || !b?.ok) throw new Error(`trial failed: ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
      const q = (m: Record<string, number>): Record<string, number> =>
        Object.fromEntries(Object.entries(m).filter(([n]) => !n.startsWith('time.') && n !== 'peak_rss_mb'));
      expect(q(b.result.metrics)).toEqual(q(a.result.metrics));
      expect(a.result.details?.dwt_blockwise).toBeUndefined();
      expect(b.result.details?.dwt_blockwise).toBe(true);
      expect(a.result.metrics.image_auroc).toBeGreaterThan(0);
    }
  });
});
