/**
 * Evaluate one class's trials, one engine call per DWT group, and turn the outcomes into results.
 * The best `mapTrials` trials of the class per stage by image and by pixel AUROC (./map-holds.ts) are held back
 * until the class is done; their anomaly maps are then recomputed and rendered. A maps job's
 * trial (`mapsOnly`: a done trial re-run for its maps) is always held, and reports only its map PNGs.
 */
import type { Logger } from '../../shared/log.js';
import type { TrialResult } from '../../shared/result.js';
import type { SelectionSpec, TrialParams } from '../../shared/trial.js';
import type { GroupCallbacks, LeasedTrial, TrialOutcome } from '../objective-types.js';
import { trialArtifactsDir, writeMapPngs, writeTrialJson } from './artifacts.js';
import type { ClassData } from './class-data.js';
import { threadCpuSeconds } from './thread-cpu.js';
import { allAborted, failure } from './failure.js';
import { holdoutSplit } from './holdout.js';
import type { DwtConfig, EvalSubset, GroupOptions, VariantConfig, VariantOutcome } from '../engine/types.js';
import type { GroupOutput, RunnerPorts } from './ports.js';
import { buildResult, selectionNames } from './trial-result.js';
import { MapHolds, type Held } from './map-holds.js';

export interface ClassRunContext {
  ports: RunnerPorts;
  cb: GroupCallbacks;
  finish: (key: string, o: TrialOutcome) => void;
  sharing: boolean;
  artifactsDir: string;
  mapTrials: number;
  mapImages: number;
  featureTrials: number;
  /** the worker's memory budget (bytes): groups hold their DWT blocks one at a time when they would exceed it */
  maxRssBytes?: number;
  /** where such groups write their blocks (GroupOptions.spillDir) */
  spillDir?: string;
  log: Logger;
}

export const variantOf = (p: TrialParams): VariantConfig => ({
  subbands: p.subbands,
  cov_reg: p.cov_reg,
  sigma: p.sigma,
  distance: p.distance,
  smoothing: p.smoothing,
});

export const dwtOf = (p: TrialParams): DwtConfig => ({
  wavelet: p.wavelet,
  level: p.level,
  mode: p.mode,
  align: p.align,
});

export function selectionSubsets(labels: Uint8Array, specs: readonly (SelectionSpec | null)[]): EvalSubset[] {
  const out = new Map<string, EvalSubset>();
  for (const s of specs) {
    if (!s) continue;
    const names = selectionNames(s);
    if (out.has(names.sel)) continue;
    const split = holdoutSplit(labels, s);
    out.set(names.sel, { name: names.sel, indices: split.selection });
    out.set(names.rep, { name: names.rep, indices: split.report });
  }
  return [...out.values()];
}

export async function evaluateClass(cls: ClassData, dwtGroups: LeasedTrial[][], ctx: ClassRunContext): Promise<void> {
  const holds = new MapHolds(ctx.mapTrials);
  const mapsJobs: Held[] = [];
  // distances of this class's groups, so recomputing the held trials' maps needs no DWT, Gram products or solves
  const distanceCache: NonNullable<GroupOptions['distanceCache']> = new Map();
  const complete = async (trial: LeasedTrial, result: TrialResult): Promise<void> => {
    // a maps job reports its maps only: the trial's trial.json at the coordinator is the first run's
    if (trial.mapsOnly) return ctx.finish(trial.key, { ok: true, result });
    try {
      const dir = trialArtifactsDir(ctx.artifactsDir, trial.key);
      const json = await writeTrialJson(dir, trial.key, trial.params, {
        ...result,
        artifacts: [...result.artifacts, { kind: 'trial-json', path: `${dir}/trial.json` }],
      });
      ctx.finish(trial.key, { ok: true, result: { ...result, artifacts: [...result.artifacts, json] } });
    } catch (err) {
      ctx.finish(trial.key, { ok: false, error: `writing artifacts: ${String(err)}`, retryable: true });
    }
  };
  const accept = async (trial: LeasedTrial, result: TrialResult): Promise<void> => {
    if (trial.mapsOnly) {
      mapsJobs.push({ trial, result });
      return;
    }
    for (const r of holds.offer(trial, result)) await complete(r.trial, r.result);
  };

  const keepDistances = ctx.mapTrials > 0 || dwtGroups.some((g) => g.some((t) => t.mapsOnly));
  for (const trials of dwtGroups) {
    const p0 = trials[0].params;
    const subsets = selectionSubsets(
      cls.truth.labels,
      trials.map((t) => t.params.selection),
    );
    const features = { train: cls.train, test: cls.test };
    // each variant's result is taken as the engine streams it, so a group cut short keeps its finished trials
    const taken = new Set<string>();
    const streamed: Promise<void>[] = [];
    const take = (t: LeasedTrial, o: VariantOutcome, count: number, dwt_s: number): Promise<void> => {
      taken.add(t.key);
      let result: TrialResult;
      try {
        result = buildResult(o, {
          params: t.params,
          cls,
          dwt_s,
          sharedWith: { features: ctx.featureTrials, dwt: count },
          artifacts: [],
        });
      } catch (err) {
        ctx.finish(t.key, { ok: false, error: String(err instanceof Error ? err.message : err), retryable: false });
        return Promise.resolve();
      }
      return accept(t, result);
    };
    const run = async (ts: LeasedTrial[]): Promise<GroupOutput> => {
      let done = 0;
      for (const t of ts) ctx.cb.progress(t.key, { phase: 'dwt', done: 0, total: ts.length });
      return ctx.ports.engine.evaluateDwtGroup(
        features,
        cls.truth,
        dwtOf(p0),
        ts.map((t) => variantOf(t.params)),
        {
          subsets,
          sharing: ctx.sharing,
          cpuClock: threadCpuSeconds, // the engine thread uses its own clock
          ...(keepDistances ? { distanceCache } : {}),
          ...(ctx.maxRssBytes !== undefined
            ? {
                maxBlockBytes: Math.max(0, ctx.maxRssBytes - process.memoryUsage.rss()),
                ...(ctx.spillDir !== undefined ? { spillDir: ctx.spillDir } : {}),
              }
            : {}),
          // the group stops only when every one of its trials is cancelled
          signal: allAborted(ts.map((t) => ctx.cb.signalFor(t.key))),
          onVariantDone: (i, o) => {
            done++;
            const t = ts[i];
            if (!t) return;
            const values = { image_auroc: o.metrics.image_auroc, pixel_auroc: o.metrics.pixel_auroc };
            ctx.cb.progress(t.key, { phase: 'scored', done: 1, total: 1, values });
            for (const u of ts) ctx.cb.progress(u.key, { phase: 'variants', done, total: ts.length });
            if (!taken.has(t.key)) streamed.push(take(t, o, ts.length, o.timings.dwt_s));
          },
        },
      );
    };
    // outcomes the stream did not deliver (an engine port without streaming) are taken at the end
    const rest = async (ts: LeasedTrial[], out: GroupOutput): Promise<void> => {
      await Promise.all(streamed);
      for (let i = 0; i < ts.length; i++) {
        const o: VariantOutcome | undefined = out.outcomes[i];
        if (taken.has(ts[i].key)) continue;
        if (o) await take(ts[i], o, ts.length, out.timings.dwt_s);
        else {
          taken.add(ts[i].key);
          ctx.finish(ts[i].key, {
            ok: false,
            error: `engine returned ${out.outcomes.length} outcomes for ${ts.length} variants`,
            retryable: false,
          });
        }
      }
    };
    try {
      await rest(trials, await run(trials));
    } catch (err) {
      await Promise.allSettled(streamed);
      const open = trials.filter((t) => !taken.has(t.key));
      if (trials.length === 1) {
        for (const t of open) ctx.finish(t.key, failure(err));
        continue;
      }
      // isolate the failure: evaluate each unfinished variant on its own
      ctx.log.warn('dwt group failed; evaluating its unfinished trials one by one', {
        trials: trials.length,
        unfinished: open.length,
        error: String(err),
      });
      for (const t of open) {
        try {
          await rest([t], await run([t]));
        } catch (e) {
          if (!taken.has(t.key)) ctx.finish(t.key, failure(e));
        }
      }
    }
  }

  for (const h of [...holds.held(), ...mapsJobs]) {
    try {
      const p = h.trial.params;
      const out = await ctx.ports.engine.evaluateDwtGroup(
        { train: cls.train, test: cls.test },
        cls.truth,
        dwtOf(p),
        [variantOf(p)],
        {
          keepMaps: () => true,
          sharing: ctx.sharing,
          distanceCache,
        },
      );
      const maps = out.outcomes[0]?.maps;
      if (!maps) throw new Error('engine returned no anomaly maps');
      const refs = await writeMapPngs(
        trialArtifactsDir(ctx.artifactsDir, h.trial.key),
        ctx.ports.data,
        { test: cls.listing.test, scores: out.outcomes[0].imageScores, maps, masks: cls.truth.masks },
        ctx.mapImages,
        { cls: p.class, trialKey: h.trial.key },
      );
      await complete(h.trial, { ...h.result, artifacts: [...h.result.artifacts, ...refs] });
    } catch (err) {
      ctx.log.warn('anomaly maps failed', { trial: h.trial.key, error: String(err) });
      // a maps job that made no maps failed (the coordinator requeues it); a normal trial keeps its result
      if (h.trial.mapsOnly) {
        ctx.finish(h.trial.key, { ok: false, error: `anomaly maps: ${String(err)}`, retryable: true });
        continue;
      }
      await complete(h.trial, { ...h.result, details: { ...h.result.details, map_error: String(err) } });
    }
  }
}
