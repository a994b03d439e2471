/**
 * The built-in `synthetic` objective for load and fault tests: it sleeps, fails at a seeded random
 * rate, and reports fake but deterministic metrics. Results carry provenance.backend = 'synthetic'
 * so they can never be mistaken for real measurements.
 *
 * Each attempt draws its failure from (seed, trial key, fencing token): a retry is a fresh draw, and
 * the same attempt always behaves the same. Metrics depend only on (seed, trial key), so a trial that
 * re-runs elsewhere reports the same numbers.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GroupCallbacks, LeasedTrial, Objective, TrialOutcome } from '../objective-types.js';
import { METRIC, type TrialResult } from '../../shared/result.js';
import { codeVersion } from '../../shared/version.js';
import { featureKey } from '../../shared/trial.js';

export const SYNTHETIC_BACKEND = 'synthetic';

/** A uniform number in [0, 1) from a string, via sha256 (stable across processes and machines). */
export function unitHash(text: string): number {
  const d = createHash('sha256').update(text).digest();
  return d.readUInt32BE(0) / 2 ** 32;
}

/** Does this attempt fail? Deterministic in (seed, key, fencing token). */
export function attemptFails(seed: number, key: string, fencingToken: number, failRate: number): boolean {
  if (failRate <= 0) return false;
  if (failRate >= 1) return true;
  return unitHash(`fail:${seed}:${key}:${fencingToken}`) < failRate;
}

/** Fake metrics, deterministic in (seed, key), in the ranges real ones live in (four numbers from one sha256). */
export function syntheticMetrics(seed: number, key: string): Record<string, number> {
  const d = createHash('sha256').update(`metrics:${seed}:${key}`).digest();
  const u = (i: number): number => d.readUInt32BE(4 * i) / 2 ** 32;
  return {
    [METRIC.imageAuroc]: 0.5 + 0.5 * u(0),
    [METRIC.pixelAuroc]: 0.5 + 0.5 * u(1),
    [METRIC.aupro]: u(2),
    [METRIC.f1Max]: u(3),
  };
}

/**
 * Fault tests hold trials open until an event of theirs (e.g. "the coordinator is dead") instead of
 * guessing a sleep long enough: with $WEPADIM_SYNTHETIC_GATE set, a trial finishes only once that file exists.
 */
async function untilGateOpens(gate: string | undefined, signal: AbortSignal): Promise<void> {
  while (gate && !existsSync(gate)) await abortableSleep(50, signal);
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error(`aborted: ${String(signal.reason)}`));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Error(`aborted: ${String(signal.reason)}`));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Where synthetic trials write artifacts, and how large their data file is (0: no artifacts). */
export interface SyntheticArtifacts {
  dir: string;
  bytes: number;
}

/** Deterministic bytes in (seed, key): a re-run writes the same file, so its upload is a duplicate. */
export function syntheticBytes(seed: number, key: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(`bytes:${seed}:${key}`).digest();
  for (let i = 0; i < n; i += 32) {
    block.copy(out, i, 0, Math.min(32, n - i));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** trial.json and one data file under `<dir>/<key>/` (load and fault tests of artifact uploads). */
async function writeSyntheticArtifacts(
  a: SyntheticArtifacts,
  trial: LeasedTrial,
  metrics: Record<string, number>,
  seed: number,
): Promise<TrialResult['artifacts']> {
  const dir = join(a.dir, trial.key);
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'trial.json');
  await writeAtomic(
    json,
    JSON.stringify({ key: trial.key, params: trial.params, metrics: syntheticMetrics(seed, trial.key) }, null, 2) +
      '\n',
  );
  const data = join(dir, `${trial.params.class}_synthetic_score-${(metrics[METRIC.imageAuroc] ?? 0).toFixed(3)}.bin`);
  await writeAtomic(data, syntheticBytes(seed, trial.key, a.bytes));
  return [
    { kind: 'trial-json', path: json },
    { kind: 'file', path: data },
  ];
}

/** A maps job's stand-in map (kind map-high): deterministic bytes, so a re-run stores nothing new. */
async function writeSyntheticMap(
  a: SyntheticArtifacts,
  trial: LeasedTrial,
  metrics: Record<string, number>,
  seed: number,
): Promise<TrialResult['artifacts']> {
  const dir = join(a.dir, trial.key);
  await mkdir(dir, { recursive: true });
  const score = (metrics[METRIC.imageAuroc] ?? 0).toFixed(3);
  const path = join(dir, `${trial.params.class}_synthetic-map_score-${score}.png`);
  await writeAtomic(path, syntheticBytes(seed, `map:${trial.key}`, a.bytes));
  return [{ kind: 'map-high', path }];
}

async function runOne(
  trial: LeasedTrial,
  cb: GroupCallbacks,
  artifacts: SyntheticArtifacts | null,
): Promise<TrialOutcome> {
  const spec = trial.params.synthetic;
  if (!spec)
    return { ok: false, error: `trial ${trial.key}: objective 'synthetic' needs params.synthetic`, retryable: false };
  const signal = cb.signalFor(trial.key);
  const started = performance.now();
  const steps = spec.sleep_ms > 0 ? 2 : 1;
  try {
    for (let i = 0; i < steps; i++) {
      if (spec.sleep_ms > 0) await abortableSleep(spec.sleep_ms / steps, signal);
      else if (signal.aborted) throw new Error(`aborted: ${String(signal.reason)}`);
      cb.progress(trial.key, { phase: 'sleep', done: i + 1, total: steps, values: { 'synthetic.step': i + 1 } });
    }
    await untilGateOpens(process.env.WEPADIM_SYNTHETIC_GATE, signal);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: true };
  }
  if (attemptFails(spec.seed, trial.key, trial.fencingToken, spec.fail_rate)) {
    return {
      ok: false,
      error: `synthetic failure (fail_rate ${spec.fail_rate}, fencing token ${trial.fencingToken})`,
      retryable: true,
    };
  }
  const result: TrialResult = {
    metrics: { ...syntheticMetrics(spec.seed, trial.key), [METRIC.timeTotal]: (performance.now() - started) / 1000 },
    artifacts: [],
    provenance: {
      code_version: codeVersion(),
      backend: SYNTHETIC_BACKEND,
      device: 'none (synthetic objective)',
      weights: 'none',
      dataset_root: trial.params.root,
      class: trial.params.class,
    },
    details: { synthetic: { sleep_ms: spec.sleep_ms, fail_rate: spec.fail_rate, seed: spec.seed } },
  };
  if (artifacts && artifacts.bytes > 0) {
    try {
      result.artifacts = trial.mapsOnly
        ? await writeSyntheticMap(artifacts, trial, result.metrics, spec.seed)
        : await writeSyntheticArtifacts(artifacts, trial, result.metrics, spec.seed);
    } catch (err) {
      return { ok: false, error: `writing artifacts: ${String(err)}`, retryable: true };
    }
  }
  return { ok: true, result };
}

/** How many feature keys the synthetic objective reports as "warm" (most recent first). */
export const SYNTHETIC_WARM_KEYS = 8;

/**
 * The synthetic objective. Its `featureCaches()` reports the feature keys of the trials it has run,
 * most recent first (at most SYNTHETIC_WARM_KEYS): it holds no features, but a real worker would hold
 * exactly these warm, so the coordinator's cache affinity can be exercised without the tensor stack.
 */
export function createSyntheticObjective(
  artifacts: SyntheticArtifacts | null = null,
): Objective & { featureCaches(): string[] } {
  const seen: string[] = [];
  const see = (key: string): void => {
    const i = seen.indexOf(key);
    if (i >= 0) seen.splice(i, 1);
    seen.unshift(key);
    if (seen.length > SYNTHETIC_WARM_KEYS) seen.length = SYNTHETIC_WARM_KEYS;
  };
  return {
    name: 'synthetic',
    featureCaches: () => [...seen],
    async runGroup(trials, cb) {
      // a lease group normally shares one feature key: hash each distinct identity (the fields featureKey hashes) once
      const keys = new Map<string, string>();
      for (const t of trials) {
        const p = t.params;
        const id = JSON.stringify([p.objective, p.dataset, p.root, p.class, p.backbone, p.weights]);
        if (!keys.has(id)) keys.set(id, featureKey(p));
      }
      for (const k of keys.values()) see(k);
      await Promise.all(
        trials.map(async (t) => {
          const outcome = await runOne(t, cb, artifacts);
          cb.finished(t.key, outcome);
        }),
      );
    },
  };
}
