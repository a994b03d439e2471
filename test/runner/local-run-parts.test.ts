import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { trialKey, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import { etaSeconds } from '../../local/progress-view.js';
import { featureCacheDir, localWorkerEnv, sweepDirName } from '../../local/run-local.js';
import { noteOf } from '../../local/worker-note.js';
import { resolve } from 'node:path';
import { gridPointKey, narrowTrials } from '../../local/sweep-filter.js';
import { parseNvidiaSmiList } from '../../local/devices.js';
import { workerArgs } from '../../local/local-workers.js';

const base: TrialParams = {
  objective: 'wepadim',
  dataset: 'folder',
  root: '/d',
  class: 'a',
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
const spec = (p: Partial<TrialParams>): TrialSpec => {
  const params = { ...base, ...p };
  return { key: trialKey(params), stage: 'main', params };
};
// expansion order: points outer, classes inner
const trials = [2, 4, 6].flatMap((sigma) => ['a', 'b', 'c'].map((c) => spec({ sigma, class: c })));

describe('narrowTrials', () => {
  it('keeps the first K grid points with all their classes', () => {
    const out = narrowTrials(trials, { maxPoints: 2 });
    expect(out.map((t) => `${t.params.sigma}${t.params.class}`)).toEqual(['2a', '2b', '2c', '4a', '4b', '4c']);
    expect(new Set(out.map(gridPointKey)).size).toBe(2);
  });
  it('filters classes, and names unknown ones', () => {
    expect(narrowTrials(trials, { classes: ['c', 'a'] }).map((t) => t.params.class)).toEqual([
      'a',
      'c',
      'a',
      'c',
      'a',
      'c',
    ]);
    expect(() => narrowTrials(trials, { classes: ['zz'] }, 'demo.yaml')).toThrow(UserError);
    expect(() => narrowTrials(trials, { classes: ['zz'] }, 'demo.yaml')).toThrow(/zz not in demo.yaml.*a, b, c/);
    expect(() => narrowTrials(trials, { maxPoints: 0 })).toThrow(/--max-points/);
  });
});

describe('progress view', () => {
  it('estimates the ETA from trials finished since start', () => {
    expect(etaSeconds(10, 30, 110, 40)).toBe(160); // 20 trials in 40 s, 80 left
    expect(etaSeconds(10, 10, 110, 40)).toBeNaN();
  });
  it('turns worker events into notes', () => {
    expect(noteOf(JSON.stringify({ type: 'leased', leaseIds: ['x'], trialKeys: ['a', 'b'] }))).toBe(
      'lease of 2 trials',
    );
    expect(
      noteOf(JSON.stringify({ type: 'finished', key: 'abcdef0123456789abcdef01', ok: false, error: 'corrupt' })),
    ).toBe('FAILED abcdef012345: corrupt');
    expect(noteOf(JSON.stringify({ level: 'info', msg: 'x' }))).toBeNull();
    expect(sweepDirName('my sweep/1')).toBe('my_sweep_1');
  });
});

describe('run: weights and feature cache', () => {
  it('--weights-dir reaches the workers as WEPADIM_WEIGHTS_DIR (absolute); --cache-dir, else WEPADIM_CACHE_DIR, else runs/.cache/features', () => {
    const env = localWorkerEnv({ weightsDir: 'w/store', mapTrials: 2 }, { PATH: '/bin' });
    expect(env).toMatchObject({
      PATH: '/bin',
      WEPADIM_WEIGHTS_DIR: resolve('w/store'),
      WEPADIM_LOG_JSON: '1',
      WEPADIM_MAP_TRIALS: '2',
    });
    // without the flag the caller's own WEPADIM_WEIGHTS_DIR passes through untouched
    expect(localWorkerEnv({}, { WEPADIM_WEIGHTS_DIR: '/x' }).WEPADIM_WEIGHTS_DIR).toBe('/x');
    expect(featureCacheDir('runs', undefined, {})).toBe(resolve('runs/.cache/features'));
    expect(featureCacheDir('runs', undefined, { WEPADIM_CACHE_DIR: '/scratch/f' })).toBe('/scratch/f');
    expect(featureCacheDir('runs', 'mine', { WEPADIM_CACHE_DIR: '/scratch/f' })).toBe(resolve('mine'));
  });
});

describe('devices', () => {
  it('reads GPU indices from nvidia-smi -L', () => {
    const text =
      'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-1)\nGPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-2)\n  MIG 1g.5gb Device 0: (UUID: MIG-x)\n';
    expect(parseNvidiaSmiList(text)).toEqual([0, 1]);
    expect(parseNvidiaSmiList('')).toEqual([]);
  });
});

describe('workerArgs', () => {
  const base = {
    coordinator: '127.0.0.1:1',
    backend: 'onnx',
    workerId: 'local-0',
    spoolDir: '/s',
    cacheDir: '/c',
    artifactsDir: '/a',
    threads: 1,
    groupSize: 36,
    gpu: null,
  };
  it('passes `wepadim run --max-rss` on to each worker, and nothing when it is not given', () => {
    const at = (a: string[]): string | undefined =>
      a.includes('--max-rss') ? a[a.indexOf('--max-rss') + 1] : undefined;
    expect(at(workerArgs({ ...base, maxRssMb: 3072 }))).toBe('3072');
    expect(at(workerArgs(base))).toBeUndefined();
    expect(workerArgs({ ...base, gpu: 1 }).slice(-2)).toEqual(['--gpu', '1']);
  });
});
