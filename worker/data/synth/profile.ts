/**
 * `wepadim dataset synth --profile mvtec|visa`: the synthetic dataset at a real dataset's per-class sizes
 * (profiles.ts), written on worker threads. Layouts:
 *   mvtec: <out>/<class>/train/good/NNN.png, test/good, test/<defect>/NNN.png, ground_truth/<defect>/NNN_mask.png
 *          (detected as kind 'mvtec': the class names are MVTec AD's);
 *   visa:  <out>/<class>/Data/train/normal/NNNN.png, Data/test/normal, Data/test/anomaly, Data/Masks/Anomaly/NNNN.png
 *          (VisA's folder layout, read without a split CSV; detected as kind 'visa').
 * Every image's seed is hashSeed(seed, profile, class, split, folder, index): byte-identical output for a seed,
 * whatever the thread count, and a class's images do not change when other classes are left out.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../shared/errors.js';
import type { RenderJob } from './generate.js';
import { DATASET_PROFILES, defectKindFor, type DatasetProfile, type ProfileClass } from './profiles.js';
import { renderJobs } from './render-pool.js';
import { hashSeed } from './rng.js';

export interface ProfileOptions {
  seed: number;
  size: number;
  /** fraction of each class's training images (default: the profile's) */
  trainScale?: number;
  /** fraction of each class's good test images and of each defect type's images (default 1) */
  testScale?: number;
  /** only these classes (default all) */
  classes?: readonly string[];
  /** render threads (default: available cores; 0 = the calling thread) */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ClassCounts {
  name: string;
  train: number;
  good: number;
  defects: [string, number][];
}

export function profileByName(name: string): DatasetProfile {
  const p = (DATASET_PROFILES as Record<string, DatasetProfile | undefined>)[name];
  if (!p) throw new UserError(`unknown dataset profile '${name}' (valid: ${Object.keys(DATASET_PROFILES).join(', ')})`);
  return p;
}

function checkScale(what: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0 || v > 1) throw new UserError(`${what} must be in (0, 1], got ${v}`);
  return v;
}

/** The counts a profile writes at the given scales: at least 2 training images, 1 good and 1 per defect type. */
export function profileCounts(
  profile: DatasetProfile,
  opts: Pick<ProfileOptions, 'trainScale' | 'testScale' | 'classes'> = {},
): ClassCounts[] {
  const ts = checkScale('train scale', opts.trainScale ?? profile.defaultTrainScale);
  const es = checkScale('test scale', opts.testScale ?? 1);
  const names = profile.classes.map((k) => k.name);
  const bad = (opts.classes ?? []).filter((n) => !names.includes(n));
  if (bad.length)
    throw new UserError(`not a class of profile ${profile.name}: ${bad.join(', ')} (valid: ${names.join(', ')})`);
  const keep = (k: ProfileClass): boolean => !opts.classes || opts.classes.includes(k.name);
  return profile.classes.filter(keep).map((k) => ({
    name: k.name,
    train: Math.max(2, Math.round(k.train * ts)),
    good: Math.max(1, Math.round(k.good * es)),
    defects: k.defects.map(([d, n]) => [d, Math.max(1, Math.round(n * es))] as [string, number]),
  }));
}

function classJobs(out: string, profile: DatasetProfile, k: ProfileClass, n: ClassCounts, seed: number): RenderJob[] {
  const visa = profile.layout === 'visa';
  const base = join(out, k.name);
  const pad = (i: number): string => String(i).padStart(visa ? 4 : 3, '0');
  const s = (...parts: (string | number)[]): number => hashSeed(seed, profile.name, k.name, ...parts);
  const jobs: RenderJob[] = [];
  const trainDir = visa ? join(base, 'Data', 'train', 'normal') : join(base, 'train', 'good');
  const goodDir = visa ? join(base, 'Data', 'test', 'normal') : join(base, 'test', 'good');
  for (let i = 0; i < n.train; i++)
    jobs.push({
      cls: k.renderer,
      dir: trainDir,
      file: `${pad(i)}.png`,
      seed: s('train', i),
      defect: null,
      maskFile: null,
    });
  for (let i = 0; i < n.good; i++)
    jobs.push({
      cls: k.renderer,
      dir: goodDir,
      file: `${pad(i)}.png`,
      seed: s('test', 'good', i),
      defect: null,
      maskFile: null,
    });
  n.defects.forEach(([d, count], t) => {
    const dir = visa ? join(base, 'Data', 'test', 'anomaly') : join(base, 'test', d);
    const maskDir = visa ? join(base, 'Data', 'Masks', 'Anomaly') : join(base, 'ground_truth', d);
    for (let i = 0; i < count; i++) {
      const file = `${pad(i)}.png`;
      const maskFile = join(maskDir, visa ? file : `${pad(i)}_mask.png`);
      jobs.push({
        cls: k.renderer,
        dir,
        file,
        seed: s('test', d, i),
        defect: defectKindFor(k.renderer, t, i, n.defects.length),
        maskFile,
      });
    }
  });
  return jobs;
}

/** Write a profile's classes under `out` (each class folder is replaced). */
export async function generateProfileDataset(
  out: string,
  profileName: string,
  opts: ProfileOptions,
): Promise<{ classes: ClassCounts[]; files: number; images: number }> {
  const profile = profileByName(profileName);
  if (!Number.isInteger(opts.size) || opts.size < 32 || opts.size > 4096)
    throw new UserError(`size must be an integer in 32..4096, got ${opts.size}`);
  if (!Number.isInteger(opts.seed)) throw new UserError(`seed must be an integer, got ${opts.seed}`);
  const counts = profileCounts(profile, opts);
  const jobs: RenderJob[] = [];
  for (const n of counts) {
    await rm(join(out, n.name), { recursive: true, force: true });
    jobs.push(...classJobs(out, profile, profile.classes.find((k) => k.name === n.name) as ProfileClass, n, opts.seed));
  }
  const dirs = new Set(jobs.flatMap((j) => (j.maskFile ? [j.dir, join(j.maskFile, '..')] : [j.dir])));
  for (const d of dirs) await mkdir(d, { recursive: true });
  const files = await renderJobs(jobs, opts.size, {
    threads: opts.threads ?? availableParallelism(),
    onProgress: opts.onProgress,
  });
  const meta = {
    generator: 'wepadim synthetic dataset v1',
    profile: profile.name,
    source: profile.source,
    seed: opts.seed,
    size: opts.size,
    classes: counts,
  };
  await writeFile(join(out, 'wepadim-synthetic.json'), JSON.stringify(meta, null, 2) + '\n');
  return { classes: counts, files, images: jobs.length };
}
