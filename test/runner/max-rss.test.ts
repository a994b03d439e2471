/**
 * `worker --max-rss`: a class over the memory budget completes with the same numbers: its backbone taps go to a file
 * chunk by chunk (never assembled in memory) and the engine reads them a chunk at a time, and its DWT blocks are
 * computed one at a time (real engine, in process and in its thread; fake data and backbone with seeded,
 * non-degenerate features).
 */
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import type { TrialResult } from '../../shared/result.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';
import { tapKind } from '../../worker/engine/tap-source.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import type { GroupCallbacks, LeasedTrial, TrialOutcome } from '../../worker/objective-types.js';
import { createWepadimObjective } from '../../worker/runner/index.js';
import { ThreadedEngine } from '../../worker/runner/engine-thread.js';
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

/** The kinds of taps ('memory' or 'file') each engine call received, train then test. */
type Kinds = string[][];

/** Real engine (in process or in its thread), fake data; the backbone gives two taps of seeded values per image. */
async function ports(
  classes: Record<string, { train: number; test: number }>,
  kinds: Kinds,
  thread: ThreadedEngine | null,
): Promise<RunnerPorts> {
  const fake = fakePorts(classes).ports;
  const real = thread ?? ((await import('../../worker/engine/index.js')) as EnginePort);
  const engine: EnginePort = {
    evaluateDwtGroup(features, ...rest) {
      kinds.push([...features.train, ...features.test].map(tapKind));
      return real.evaluateDwtGroup(features, ...rest);
    },
  };
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

interface RunOptions {
  maxRssBytes?: number;
  cacheDir?: string;
  thread?: boolean;
}

async function run(root: string, o: RunOptions, kinds: Kinds = []): Promise<Map<string, TrialOutcome>> {
  const out = new Map<string, TrialOutcome>();
  const thread = o.thread ? new ThreadedEngine() : null;
  const cb: GroupCallbacks = {
    progress: () => undefined,
    finished: (k, o) => out.set(k, o),
    signalFor: () => new AbortController().signal,
  };
  const obj = createWepadimObjective({
    cacheDir: o.cacheDir ?? null,
    artifactsDir: tmp(),
    ports: await ports(classes, kinds, thread),
    mapTrialsPerClass: 0,
    maxRssBytes: o.maxRssBytes,
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
  thread?.dispose();
  return out;
}

/** Files this process holds open whose path contains `part` (Linux /proc; unlinked files end in ' (deleted)'). */
const openFiles = (part: string): string[] =>
  existsSync('/proc/self/fd')
    ? readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((l) => l.includes(part))
    : [];

const quiet = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter(([n]) => !n.startsWith('time.') && n !== 'peak_rss_mb'));

/** Every trial of `b` finished with exactly the metric values of `a`; returns b's results. */
function sameNumbers(a: Map<string, TrialOutcome>, b: Map<string, TrialOutcome>): TrialResult[] {
  expect(a.size).toBe(6);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  return [...a].map(([k, x]) => {
    const y = b.get(k);
    if (!x.ok || !y?.ok) throw new Error(`trial failed: ${JSON.stringify(x)} / ${JSON.stringify(y)}`);
    expect(quiet(y.result.metrics)).toEqual(quiet(x.result.metrics));
    expect(x.result.metrics.image_auroc).toBeGreaterThan(0);
    return y.result;
  });
}

describe('worker --max-rss', () => {
  it('runs a class over the budget from tap files, one DWT block at a time, with the same numbers', async () => {
    const root = tmp();
    makeDataset(root, classes);
    const freeKinds: Kinds = [];
    const free = await run(root, {}, freeKinds);
    const tightKinds: Kinds = [];
    const tight = await run(root, { maxRssBytes: 1 }, tightKinds); // 1 byte: always over budget
    for (const r of sameNumbers(free, tight)) {
      expect(r.details?.dwt_blockwise).toBe('spill'); // one DWT, the blocks read back from unlinked files
      expect(r.details?.feature_taps).toEqual({ train: 'file', test: 'file' });
    }
    for (const [, x] of free) expect(x.ok && x.result.details?.feature_taps).toBeUndefined();
    // the engine got every tap as a file source: the class's taps were never assembled in memory
    expect(tightKinds.length).toBeGreaterThan(0);
    for (const k of tightKinds) expect(k).toEqual(['file', 'file', 'file', 'file']);
    for (const k of freeKinds) expect(k).toEqual(['memory', 'memory', 'memory', 'memory']);
    expect(openFiles('wepadim-taps-')).toEqual([]); // the spill files were closed (and so freed) with the class
    expect(openFiles('wepadim-block-')).toEqual([]); // and the block files with their group
  });

  it('passes tap files to the engine thread, and through the disk cache, with the same numbers', async () => {
    const root = tmp();
    makeDataset(root, classes);
    const free = await run(root, {});
    const cacheDir = tmp();
    const kinds: Kinds = [];
    // miss: the taps are written into the cache directory as the backbone runs, then become its entries
    const miss = await run(root, { maxRssBytes: 1, cacheDir, thread: true }, kinds);
    for (const r of sameNumbers(free, miss)) expect(r.details?.cache).toEqual({ train: 'miss', test: 'miss' });
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.bin')).length).toBe(2);
    expect(readdirSync(cacheDir).filter((n) => n.includes('.tmp'))).toEqual([]);
    // hit over the budget: the cache's files are read on demand
    const hit = await run(root, { maxRssBytes: 1, cacheDir, thread: true }, kinds);
    for (const r of sameNumbers(free, hit)) {
      expect(r.details?.cache).toEqual({ train: 'disk', test: 'disk' });
      expect(r.details?.feature_taps).toEqual({ train: 'file', test: 'file' });
    }
    for (const k of kinds) expect(k).toEqual(['file', 'file', 'file', 'file']);
    // hit within the budget: the same entries read into memory
    const warm = await run(root, { cacheDir, thread: true });
    for (const r of sameNumbers(free, warm)) {
      expect(r.details?.cache).toEqual({ train: 'disk', test: 'disk' });
      expect(r.details?.feature_taps).toBeUndefined();
    }
    expect(openFiles(cacheDir)).toEqual([]); // the cache files the engine read were closed with their class
  });
});
