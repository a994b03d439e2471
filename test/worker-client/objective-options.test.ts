/**
 * The worker's objective loader hands the worker's device (--gpu) and backend to the wepadim objective,
 * which passes them to createFeatureExtractor; the objective reports the classes it holds as warm caches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import { featureKey, trialKey, type TrialParams } from '../../shared/trial.js';
import { featureCachesOf, objectiveLoader } from '../../worker/client/objective-registry.js';
import type { LeasedTrial, TrialOutcome } from '../../worker/objective-types.js';
import type { ExtractorRequest, RunnerPorts } from '../../worker/runner/ports.js';
import { fakePorts, makeDataset } from '../runner/fake-ports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function trial(root: string): LeasedTrial {
  const p: TrialParams = {
    objective: 'wepadim',
    dataset: 'folder',
    root,
    class: 'alpha',
    backbone: 'resnet18',
    weights: 'random:0',
    wavelet: 'haar',
    level: 1,
    mode: 'zero',
    subbands: ['LL'],
    align: 'down',
    distance: 'squared',
    smoothing: 'reference',
    sigma: 4,
    cov_reg: 0.01,
    selection: null,
    synthetic: null,
  };
  return { trialId: 1, key: trialKey(p), leaseId: 'L1', fencingToken: 1, params: p };
}

async function runWith(
  gpu: number | null,
): Promise<{ requests: ExtractorRequest[]; caches: string[]; outcome: TrialOutcome | undefined; fk: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-objopts-'));
  dirs.push(dir);
  const classes = { alpha: { train: 4, test: 4 } };
  makeDataset(dir, classes);
  const { ports } = fakePorts(classes);
  const requests: ExtractorRequest[] = [];
  const recording: RunnerPorts = {
    ...ports,
    models: { createFeatureExtractor: (req) => (requests.push(req), ports.models.createFeatureExtractor(req)) },
  };
  // exactly what runWorker builds: the command line's objective options plus backend and gpu
  const loader = objectiveLoader({
    cacheDir: null,
    artifactsDir: join(dir, 'art'),
    ports: recording,
    logger: createLogger({}, { write: () => undefined }),
    mapTrialsPerClass: 0,
    backend: 'onnx',
    gpu,
  });
  const obj = await loader.get('wepadim');
  const t = trial(dir);
  let outcome: TrialOutcome | undefined;
  await obj.runGroup([t], {
    progress: () => undefined,
    finished: (_k, o) => (outcome = o),
    signalFor: () => new AbortController().signal,
  });
  const caches = loader.all().flatMap(featureCachesOf);
  for (const o of loader.all()) await o.dispose?.();
  return { requests, caches, outcome, fk: featureKey(t.params) };
}

describe('worker objective options', () => {
  it('--gpu N reaches createFeatureExtractor as gpu: N, with the worker backend', async () => {
    const r = await runWith(1);
    expect(r.outcome?.ok, r.outcome && !r.outcome.ok ? r.outcome.error : '').toBe(true);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]).toMatchObject({ gpu: 1, backend: 'onnx', backbone: 'resnet18' });
    // the class just run is reported as warm, so Acquire prefers its groups
    expect(r.caches).toEqual([r.fk]);
  });

  it('no --gpu: no device is requested', async () => {
    const r = await runWith(null);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0].gpu).toBeUndefined();
  });
});

describe('objective registry', () => {
  const opts = {
    cacheDir: null,
    artifactsDir: '/nonexistent',
    logger: createLogger({}, { write: () => undefined }),
    mapTrialsPerClass: 0,
  };
  it('makes each named objective once, and rejects a name it does not know', async () => {
    const loader = objectiveLoader(opts);
    const a = await loader.get('synthetic');
    expect(a.name).toBe('synthetic');
    expect(await loader.get('synthetic')).toBe(a);
    await expect(loader.get('tfjs-magic')).rejects.toThrow(
      'unknown objective "tfjs-magic" (expected "synthetic", "wepadim" or "command")',
    );
    expect(loader.all().map((o) => o.name)).toEqual(['synthetic']);
  });
});
