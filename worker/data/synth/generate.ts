/**
 * The seeded synthetic dataset, written in MVTec AD layout:
 *   <out>/<class>/train/good/NNN.png, <out>/<class>/test/good/NNN.png, <out>/<class>/test/<defect>/NNN.png,
 *   <out>/<class>/ground_truth/<defect>/NNN_mask.png (0/255 grey), plus <out>/wepadim-synthetic.json.
 * Every image has its own seed derived from (seed, class, split, folder, index), so output is byte-identical
 * for a seed whatever the concurrency. The class folders it writes are deleted first (other folders are untouched).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../../shared/errors.js';
import { writePng } from '../decode.js';
import { addNoise, quantise, type Canvas } from './canvas.js';
import { paintDefect, type DefectTarget, type DefectType } from './defects.js';
import { OBJECT_CLASSES, renderObject, type ObjectClass } from './objects.js';
import { hashSeed, Rng } from './rng.js';
import { renderTexture, TEXTURE_CLASSES, type TextureClass } from './textures.js';
import type { SyntheticDatasetSpec } from '../../../shared/datasets.js';

export type { SyntheticDatasetSpec };

/** Defect types per class (three each, spread over the six kinds). */
export const SYNTHETIC_DEFECTS: Readonly<Record<TextureClass | ObjectClass, readonly DefectType[]>> = {
  stripes: ['scratch', 'color', 'contamination'],
  grid: ['crack', 'missing', 'contamination'],
  weave: ['blob', 'scratch', 'color'],
  noise: ['crack', 'blob', 'color'],
  disc: ['scratch', 'missing', 'contamination'],
  bracket: ['blob', 'missing', 'crack'],
  chip: ['missing', 'color', 'contamination'],
};

export const SYNTHETIC_CLASS_NAMES: readonly string[] = [...TEXTURE_CLASSES, ...OBJECT_CLASSES];

/** One of the seven renderers (the synthetic class names). */
export type SynthRenderer = TextureClass | ObjectClass;
type SynthClass = SynthRenderer;

function isSynthClass(name: string): name is SynthClass {
  return SYNTHETIC_CLASS_NAMES.includes(name);
}

export function validateSyntheticSpec(spec: SyntheticDatasetSpec): void {
  const bad = spec.classes.filter((c) => !isSynthClass(c));
  if (spec.classes.length === 0) throw new UserError('synthetic dataset: give at least one class');
  if (bad.length)
    throw new UserError(
      `synthetic dataset: unknown class ${bad.join(', ')} (valid: ${SYNTHETIC_CLASS_NAMES.join(', ')})`,
    );
  if (new Set(spec.classes).size !== spec.classes.length)
    throw new UserError('synthetic dataset: a class is listed twice');
  if (!Number.isInteger(spec.train) || spec.train < 1)
    throw new UserError(`synthetic dataset: train must be an integer >= 1, got ${spec.train}`);
  if (!Number.isInteger(spec.test) || spec.test < 2)
    throw new UserError(`synthetic dataset: test must be an integer >= 2, got ${spec.test}`);
  if (!Number.isInteger(spec.size) || spec.size < 32 || spec.size > 4096) {
    throw new UserError(`synthetic dataset: size must be an integer in 32..4096, got ${spec.size}`);
  }
  if (!Number.isInteger(spec.seed)) throw new UserError(`synthetic dataset: seed must be an integer, got ${spec.seed}`);
}

/** Render one image of a class; with a defect type, also returns its mask (0/1). */
export function renderSample(
  cls: SynthClass,
  size: number,
  seed: number,
  defect: DefectType | null,
): { rgb: Uint8Array; mask: Uint8Array | null } {
  const rng = new Rng(seed);
  let target: DefectTarget;
  if ((TEXTURE_CLASSES as readonly string[]).includes(cls)) {
    target = { canvas: renderTexture(cls as TextureClass, size, rng) };
  } else {
    const scene = renderObject(cls as ObjectClass, size, rng);
    target = { canvas: scene.canvas, background: scene.background, coverage: scene.coverage };
  }
  // a separate stream for the defect keeps the normal appearance distribution identical for good and bad images
  const mask = defect === null ? null : paintDefect(defect, target, new Rng(hashSeed(seed, 'defect')));
  const canvas: Canvas = target.canvas;
  addNoise(canvas, rng, 3);
  return { rgb: quantise(canvas), mask };
}

/** One image to render and write (with its mask when it has a defect); plain data, so it can go to a thread. */
export interface RenderJob {
  cls: SynthClass;
  dir: string;
  file: string;
  seed: number;
  defect: DefectType | null;
  maskFile: string | null;
}

function jobsFor(out: string, cls: SynthClass, spec: SyntheticDatasetSpec): RenderJob[] {
  const jobs: RenderJob[] = [];
  const base = join(out, cls);
  const name = (i: number): string => String(i).padStart(3, '0');
  for (let i = 0; i < spec.train; i++) {
    jobs.push({
      cls,
      dir: join(base, 'train', 'good'),
      file: `${name(i)}.png`,
      seed: hashSeed(spec.seed, cls, 'train', i),
      defect: null,
      maskFile: null,
    });
  }
  const good = Math.ceil(spec.test / 2);
  for (let i = 0; i < good; i++) {
    jobs.push({
      cls,
      dir: join(base, 'test', 'good'),
      file: `${name(i)}.png`,
      seed: hashSeed(spec.seed, cls, 'test', 'good', i),
      defect: null,
      maskFile: null,
    });
  }
  const types = SYNTHETIC_DEFECTS[cls];
  const perType = new Map<DefectType, number>();
  for (let k = 0; k < spec.test - good; k++) {
    const d = types[k % types.length];
    const i = perType.get(d) ?? 0;
    perType.set(d, i + 1);
    jobs.push({
      cls,
      dir: join(base, 'test', d),
      file: `${name(i)}.png`,
      seed: hashSeed(spec.seed, cls, 'test', d, i),
      defect: d,
      maskFile: join(base, 'ground_truth', d, `${name(i)}_mask.png`),
    });
  }
  return jobs;
}

/** Render one job and write its image (and mask): returns the number of files written. */
export async function writeJob(j: RenderJob, size: number): Promise<number> {
  const { rgb, mask } = renderSample(j.cls, size, j.seed, j.defect);
  await writePng(join(j.dir, j.file), rgb, size, size, 3);
  if (!mask || !j.maskFile) return 1;
  for (let i = 0; i < mask.length; i++) mask[i] *= 255;
  await writePng(j.maskFile, mask, size, size, 1);
  return 2;
}

export async function generateSyntheticDataset(
  out: string,
  spec: SyntheticDatasetSpec,
  opts: { onProgress?: (done: number, total: number) => void; concurrency?: number } = {},
): Promise<{ classes: string[]; files: number }> {
  validateSyntheticSpec(spec);
  // each class folder is replaced, so a smaller regeneration leaves no stale images behind
  for (const c of spec.classes) await rm(join(out, c), { recursive: true, force: true });
  const jobs = spec.classes.flatMap((c) => jobsFor(out, c as SynthClass, spec));
  const dirs = new Set(jobs.flatMap((j) => (j.maskFile ? [j.dir, join(j.maskFile, '..')] : [j.dir])));
  for (const d of dirs) await mkdir(d, { recursive: true });
  let next = 0;
  let done = 0;
  let files = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const written = await writeJob(jobs[next++], spec.size);
      files += written;
      opts.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  const meta = {
    generator: 'wepadim synthetic dataset v1',
    spec,
    defects: Object.fromEntries(spec.classes.map((c) => [c, SYNTHETIC_DEFECTS[c as SynthClass]])),
  };
  await writeFile(join(out, 'wepadim-synthetic.json'), JSON.stringify(meta, null, 2) + '\n');
  return { classes: [...spec.classes], files };
}
