import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import { featureKey, trialKey, type TrialParams } from '../../shared/trial.js';
import type { GroupCallbacks, LeasedTrial, TrialOutcome } from '../../worker/objective-types.js';
import { createWepadimObjective, type RunnerPorts, type WepadimObjectiveOptions } from '../../worker/runner/index.js';
import { fakePorts, makeDataset } from './fake-ports.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wepadim-obj-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const quiet = createLogger({}, { write: () => undefined });
const CLASSES = { alpha: { train: 6, test: 8 }, beta: { train: 5, test: 8 } };

/** An objective on fake ports with no disk cache, no maps and a silent log, as most tests here want it. */
const quietObjective = (ports: RunnerPorts, over: Partial<WepadimObjectiveOptions> = {}) =>
  createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet, mapTrialsPerClass: 0, ...over });

function params(root: string, over: Partial<TrialParams>): TrialParams {
  return {
    objective: 'wepadim',
    dataset: 'folder',
    root,
    class: 'alpha',
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
    selection: { holdout: 0.5, seed: 3 },
    synthetic: null,
    ...over,
  };
}

function grid(root: string): LeasedTrial[] {
  const out: LeasedTrial[] = [];
  for (const cls of ['alpha', 'beta'])
    for (const wavelet of ['haar', 'db2'] as const)
      for (const [sigma, cov_reg] of [
        [2, 0.01],
        [4, 0.1],
        [4, 0.001],
      ] as const) {
        const p = params(root, { class: cls, wavelet, sigma, cov_reg });
        out.push({ trialId: out.length + 1, key: trialKey(p), leaseId: 'L', fencingToken: 1, params: p });
      }
  return out;
}

function callbacks(): { cb: GroupCallbacks; outcomes: Map<string, TrialOutcome[]>; phases: Set<string> } {
  const outcomes = new Map<string, TrialOutcome[]>();
  const phases = new Set<string>();
  const ctl = new AbortController();
  return {
    outcomes,
    phases,
    cb: {
      progress: (_k, p) => phases.add(p.phase),
      finished: (k, o) => outcomes.set(k, [...(outcomes.get(k) ?? []), o]),
      signalFor: () => ctl.signal,
    },
  };
}

const ok = (o: TrialOutcome[] | undefined) => {
  expect(o).toHaveLength(1);
  const x = o![0];
  if (!x.ok) throw new Error(x.error);
  return x.result;
};

describe('wepadim objective', () => {
  it('computes features once per class and the DWT once per group, and finishes every trial once', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports, calls } = fakePorts(CLASSES);
    const art = tmp();
    const obj = createWepadimObjective({ cacheDir: join(tmp(), 'cache'), artifactsDir: art, ports, logger: quiet });
    const trials = grid(root);
    const { cb, outcomes, phases } = callbacks();
    await obj.runGroup(trials, cb);
    expect(calls.extractImages).toBe(6 + 8 + 5 + 8);
    expect(calls.engineGroups).toBe(4 + 2); // 4 DWT groups + one map rendering per class
    expect(calls.engineVariants).toBe(12 + 2);
    expect(outcomes.size).toBe(12);
    for (const t of trials) {
      const r = ok(outcomes.get(t.key));
      expect(r.metrics['sel.image_auroc']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['rep.image_auroc']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['image_auroc.defect.crack']).toBe(r.metrics.image_auroc);
      expect(r.metrics['time.dwt_s']).toBe(0.05);
      expect(r.provenance.class).toBe(t.params.class);
      expect(r.provenance.weights).toBe('random-init seed 0');
      expect(String((r.details?.warnings as string[])[0])).toMatch(/RANDOM WEIGHTS.*NOT comparable.*random:/);
      const json = r.artifacts.find((a) => a.kind === 'trial-json');
      expect(json && (JSON.parse(readFileSync(json.path, 'utf8')) as { metrics: unknown }).metrics).toEqual(r.metrics);
    }
    expect(phases.has('backbone.train') && phases.has('backbone.test')).toBe(true);
    const warm = (obj as unknown as { featureCaches(): string[] }).featureCaches();
    expect(warm.sort()).toEqual([featureKey(trials[0].params), featureKey(trials[6].params)].sort());
    await obj.dispose?.();
    expect((obj as unknown as { featureCaches(): string[] }).featureCaches()).toEqual([]);
  });

  it('reports the classes held only in its disk cache for lease affinity, the most recent first', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const cacheDir = join(tmp(), 'cache');
    const obj = quietObjective(fakePorts(CLASSES).ports, {
      cacheDir,
      memoryCacheBytes: 0, // nothing fits the memory layer, as a wide_resnet50_2 class at MVTec size
    });
    const caches = (): string[] => (obj as unknown as { featureCaches(): string[] }).featureCaches();
    const trials = grid(root);
    const of = (cls: string) => trials.filter((t) => t.params.class === cls);
    await obj.runGroup(of('alpha'), callbacks().cb);
    await obj.runGroup(of('beta'), callbacks().cb);
    expect(caches()).toEqual([featureKey(of('beta')[0].params), featureKey(of('alpha')[0].params)]);
    rmSync(cacheDir, { recursive: true }); // entries evicted or deleted are no longer claimed
    expect(caches()).toEqual([]);
  });

  it('under --max-rss keeps only the class in hand in the memory layer; without a budget, both stay', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const trials = grid(root);
    const of = (cls: string) => trials.filter((t) => t.params.class === cls);
    // no disk layer: featureCaches() then lists exactly the classes held in memory
    const heldAfterAlphaBeta = async (maxRssBytes?: number): Promise<{ held: string[]; backbone: number }> => {
      const { ports, calls } = fakePorts(CLASSES);
      const obj = quietObjective(ports, maxRssBytes !== undefined ? { maxRssBytes } : {});
      await obj.runGroup(of('alpha'), callbacks().cb);
      await obj.runGroup(of('beta'), callbacks().cb);
      await obj.runGroup(of('beta'), callbacks().cb); // the class in hand stays warm
      const held = (obj as unknown as { featureCaches(): string[] }).featureCaches();
      await obj.dispose?.();
      return { held, backbone: calls.extractImages };
    };
    const [alpha, beta] = [featureKey(of('alpha')[0].params), featureKey(of('beta')[0].params)];
    const free = await heldAfterAlphaBeta();
    const budget = await heldAfterAlphaBeta(64 * 1024 ** 3);
    expect(free.held).toEqual([beta, alpha]);
    expect(budget.held).toEqual([beta]);
    expect(budget.backbone).toBe(free.backbone); // beta's second lease still came from memory
  });

  it("renders maps for each class's best trial by image and by pixel AUROC (the coordinator's winners)", async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports, calls } = fakePorts(CLASSES);
    const obj = createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet, mapImages: 2 });
    const trials = grid(root);
    const { cb, outcomes } = callbacks();
    await obj.runGroup(trials, cb);
    let expected = 0;
    for (const cls of ['alpha', 'beta']) {
      const rs = trials.filter((t) => t.params.class === cls).map((t) => ({ t, r: ok(outcomes.get(t.key)) }));
      // the coordinator's rule: highest value, ties to the lower trial id
      const winner = (m: string) =>
        [...rs].sort((a, b) => b.r.metrics[m] - a.r.metrics[m] || a.t.trialId - b.t.trialId)[0].t.key;
      const winners = new Set([winner('image_auroc'), winner('pixel_auroc')]);
      const withMaps = rs.filter((x) => x.r.artifacts.some((a) => a.kind === 'map-high')).map((x) => x.t.key);
      expect(new Set(withMaps)).toEqual(winners);
      for (const x of rs.filter((y) => winners.has(y.t.key)))
        expect(x.r.artifacts.filter((a) => a.kind.startsWith('map-'))).toHaveLength(4);
      expected += winners.size;
    }
    expect(calls.keepMaps).toBe(expected);
    expect(calls.pngs).toHaveLength(4 * expected);
  });

  it('gives identical results from a warm cache (memory and disk) without running the backbone', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const cacheDir = join(tmp(), 'cache');
    const trials = grid(root);
    const run = async () => {
      const { ports, calls } = fakePorts(CLASSES);
      const obj = createWepadimObjective({ cacheDir, artifactsDir: tmp(), ports, logger: quiet, mapTrialsPerClass: 0 });
      const { cb, outcomes } = callbacks();
      await obj.runGroup(trials, cb);
      const again = callbacks();
      await obj.runGroup(trials, again.cb); // memory layer
      return { calls, outcomes, again: again.outcomes };
    };
    const cold = await run();
    const warm = await run(); // new objective: disk layer
    expect(cold.calls.extractImages).toBe(27);
    expect(warm.calls.extractImages).toBe(0);
    const strip = (m: Record<string, number>) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time.') && k !== 'peak_rss_mb'));
    for (const t of trials) {
      const a = ok(cold.outcomes.get(t.key));
      expect(strip(ok(warm.outcomes.get(t.key)).metrics)).toEqual(strip(a.metrics));
      expect(strip(ok(cold.again.get(t.key)).metrics)).toEqual(strip(a.metrics));
      expect((ok(warm.outcomes.get(t.key)).details?.cache as { train: string }).train).toBe('disk');
      expect((ok(cold.again.get(t.key)).details?.cache as { train: string }).train).toBe('memory');
    }
  });

  it('fails only the affected trials: a NaN variant, a corrupt image, an unknown class', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports } = fakePorts(CLASSES, { corrupt: 'beta-train-3' });
    const obj = createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet });
    const bad = params(root, { cov_reg: -1 });
    const good = params(root, { cov_reg: 0.1 });
    const beta = params(root, { class: 'beta' });
    const gamma = params(root, { class: 'gamma' });
    const trials = [bad, good, beta, gamma].map((p, i) => ({
      trialId: i,
      key: trialKey(p),
      leaseId: 'L',
      fencingToken: 1,
      params: p,
    }));
    const { cb, outcomes } = callbacks();
    await obj.runGroup(trials, cb);
    const [b, g, be, ga] = trials.map((t) => outcomes.get(t.key)!);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ ok: false, retryable: true });
    expect(!b[0].ok && b[0].error).toMatch(/NaN/);
    expect(ok(g).metrics.image_auroc).toBeGreaterThan(0);
    expect(be[0]).toMatchObject({ ok: false, retryable: false });
    expect(!be[0].ok && be[0].error).toMatch(/beta-train-3.*corrupt/);
    expect(ga[0]).toMatchObject({ ok: false, retryable: false });
    expect(!ga[0].ok && ga[0].error).toMatch(/no class gamma/);
  });

  it('keeps the trials a group finished before a failure: only the unfinished ones are evaluated again', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports, calls } = fakePorts(CLASSES);
    const obj = createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet });
    // one DWT group; the fake engine streams each variant as it is done and throws at the negative cov_reg
    const ps = [0.1, 0.01, -1, 0.001].map((cov_reg) => params(root, { cov_reg }));
    const trials = ps.map((p, i) => ({ trialId: i, key: trialKey(p), leaseId: 'L', fencingToken: 1, params: p }));
    const { cb, outcomes } = callbacks();
    await obj.runGroup(trials, cb);
    const [a, b, bad, d] = trials.map((t) => outcomes.get(t.key)!);
    for (const got of [a, b, bad, d]) expect(got).toHaveLength(1); // each trial finished exactly once
    expect(ok(a).metrics.image_auroc).toBeGreaterThan(0);
    expect(ok(b).metrics.image_auroc).toBeGreaterThan(0);
    expect(bad[0]).toMatchObject({ ok: false });
    expect(ok(d).metrics.image_auroc).toBeGreaterThan(0);
    // the group call (4 variants, 2 streamed before the throw), then the two unfinished trials alone, then the
    // class's best trial once more for its anomaly maps
    expect(calls.keepMaps).toBe(1);
    expect(calls.engineGroups).toBe(1 + 2 + 1);
    expect(calls.engineVariants).toBe(4 + 1 + 1 + 1);
  });

  it('without sharing, runs the backbone for every trial and gets the same numbers', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const trials = grid(root).slice(0, 4);
    const a = fakePorts(CLASSES);
    const b = fakePorts(CLASSES);
    const shared = callbacks();
    const unshared = callbacks();
    await quietObjective(a.ports).runGroup(trials, shared.cb);
    await quietObjective(b.ports, { sharing: false }).runGroup(trials, unshared.cb);
    expect(a.calls.extractImages).toBe(14);
    expect(b.calls.extractImages).toBe(14 * 4);
    for (const t of trials)
      expect(ok(unshared.outcomes.get(t.key)).metrics.image_auroc).toBe(
        ok(shared.outcomes.get(t.key)).metrics.image_auroc,
      );
  });

  it('stops a class only when all its trials are cancelled', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports, calls } = fakePorts(CLASSES);
    const trials = grid(root).slice(0, 6); // class alpha
    const ctls = new Map(trials.map((t) => [t.key, new AbortController()]));
    const outcomes = new Map<string, TrialOutcome>();
    const cb: GroupCallbacks = {
      progress: () => undefined,
      finished: (k, o) => outcomes.set(k, o),
      signalFor: (k) => ctls.get(k)!.signal,
    };
    const obj = quietObjective(ports);
    ctls.get(trials[0].key)!.abort(); // one cancelled: the rest still run
    await obj.runGroup(trials, cb);
    expect(calls.extractImages).toBe(14);
    expect([...outcomes.values()].filter((o) => o.ok)).toHaveLength(6);
    // all cancelled (class beta): nothing runs, each trial is still finished once
    outcomes.clear();
    const aborted = AbortSignal.abort();
    await obj.runGroup(grid(root).slice(6, 12), { ...cb, signalFor: () => aborted });
    expect(calls.extractImages).toBe(14);
    expect(outcomes.size).toBe(6);
    for (const o of outcomes.values()) expect(o).toMatchObject({ ok: false, retryable: false });
  });

  it('omits an undefined honest-selection metric instead of failing the trial', async () => {
    const root = tmp();
    const tiny = { gamma: { train: 3, test: 2 } }; // one good, one defective test image: one part gets both
    makeDataset(root, tiny);
    const { ports } = fakePorts(tiny);
    const p = params(root, { class: 'gamma' });
    const { cb, outcomes } = callbacks();
    await createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet }).runGroup(
      [{ trialId: 1, key: trialKey(p), leaseId: 'L', fencingToken: 1, params: p }],
      cb,
    );
    const r = ok(outcomes.get(trialKey(p)));
    expect(r.metrics['sel.image_auroc']).toBe(1);
    expect('rep.image_auroc' in r.metrics).toBe(false);
    expect((r.details?.warnings as string[]).some((w) => /rep.image_auroc is undefined/.test(w))).toBe(true);
  });

  it('takes the number of map trials from WEPADIM_MAP_TRIALS (set by wepadim run --maps)', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const { ports, calls } = fakePorts(CLASSES);
    process.env.WEPADIM_MAP_TRIALS = '2';
    try {
      const { cb } = callbacks();
      await createWepadimObjective({ cacheDir: null, artifactsDir: tmp(), ports, logger: quiet }).runGroup(
        grid(root),
        cb,
      );
      expect(calls.keepMaps).toBe(4); // 2 per class
      process.env.WEPADIM_MAP_TRIALS = 'x';
      expect(() => createWepadimObjective({ cacheDir: null, ports })).toThrow(/WEPADIM_MAP_TRIALS=x/);
    } finally {
      delete process.env.WEPADIM_MAP_TRIALS;
    }
  });

  it('writes trial artifacts under <artifactsDir>/<trial key>/', async () => {
    const root = tmp();
    makeDataset(root, CLASSES);
    const art = tmp();
    const { ports } = fakePorts(CLASSES);
    const t = grid(root)[0];
    const { cb, outcomes } = callbacks();
    await createWepadimObjective({ cacheDir: null, artifactsDir: art, ports, logger: quiet }).runGroup([t], cb);
    const r = ok(outcomes.get(t.key));
    expect(existsSync(join(art, t.key, 'trial.json'))).toBe(true);
    for (const a of r.artifacts) expect(a.path.startsWith(join(art, t.key))).toBe(true);
  });
});
