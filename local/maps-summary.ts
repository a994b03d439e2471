/**
 * The maps part of `wepadim run`'s summary: each class's best trial by image and by pixel AUROC (and any trial
 * whose maps were requested), how its maps were made (its own run, or a maps job after the sweep), and where
 * its map PNGs are stored at the coordinator (content-addressed under the database's folder), with the
 * `wepadim artifacts` command that lists or fetches them by name.
 */
import { join } from 'node:path';
import type { StoreReads } from '../coordinator/store/reads/index.js';
import { shortKey } from '../shared/trial.js';

export interface WinnerMaps {
  class: string;
  trial: string;
  /** e.g. "best image_auroc,pixel_auroc", or "requested" */
  why: string;
  /** the maps job's state, or "own run" when the trial's own lease made its maps */
  job: string;
  error: string | null;
  /** absolute paths of the stored map PNGs, with their names */
  files: { name: string; path: string }[];
}

export function buildWinnerMaps(reads: StoreReads, sweepId: number, dbDir: string): WinnerMaps[] {
  const jobs = new Map(reads.mapJobs(sweepId).map((j) => [j.trialId, j]));
  const rows = new Map<number, { cls: string; key: string; why: string }>();
  const winners = reads.mapWinners(sweepId);
  const stages = new Set(winners.map((w) => w.stage)).size;
  for (const w of winners)
    rows.set(w.trialId, {
      cls: w.cls,
      key: w.key,
      why: `best ${w.metrics.join(',')}${stages > 1 ? ` of ${w.stage}` : ''}`,
    });
  for (const j of jobs.values())
    if (!rows.has(j.trialId)) rows.set(j.trialId, { cls: j.cls, key: j.key, why: j.reason });
  const files = reads.storedMaps([...rows.keys()]);
  return [...rows].map(([id, r]) => ({
    class: r.cls,
    trial: r.key,
    why: r.why,
    job: jobs.get(id)?.status ?? 'own run',
    error: jobs.get(id)?.error ?? null,
    files: files.filter((f) => f.trialId === id).map((f) => ({ name: f.name, path: join(dbDir, f.path) })),
  }));
}

/** One line per winner (the stored files' names and paths are in `wepadim run --json`'s `maps`), then how to fetch them. */
export function renderWinnerMaps(maps: readonly WinnerMaps[], dbPath = 'DB'): string {
  if (!maps.length) return '';
  const out = ['Anomaly maps of the per-class winners, stored at the coordinator:'];
  const w = (k: 'class' | 'why'): number => Math.max(...maps.map((m) => m[k].length));
  const [cw, ww] = [w('class'), w('why')];
  for (const m of maps) {
    const state = m.job === 'done' || m.job === 'own run' ? `${m.files.length} map(s)` : `maps job ${m.job}`;
    out.push(
      `  ${m.class.padEnd(cw)}  trial ${shortKey(m.trial)}  ${m.why.padEnd(ww)}  ${state}${m.error ? ` (${m.error})` : ''}`,
    );
  }
  out.push(`  fetch by name: wepadim artifacts TRIAL --db ${dbPath} --out DIR`);
  return out.join('\n');
}
