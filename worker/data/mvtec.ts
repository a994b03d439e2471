/**
 * Spec 2.1: MVTec AD layout, also used for kind 'folder' (any class names). Per split folder, every sub-folder in
 * sorted order; '.png' files sorted; folder 'good' is normal, any other folder is a defect type whose masks are
 * ground_truth/<defect>/<stem>_mask.png (the original code applies this rule to train/ and test/ alike).
 */
import { join } from 'node:path';
import { DataError } from '../../shared/errors.js';
import { isDir, isFile, requireDir, sortedEntries, stem } from './fs-util.js';
import type { ClassListing, SampleRef } from './types.js';

/** Sub-directories of root (no dot-folders) that have both train/ and test/, sorted. */
export function listMvtecLayoutClasses(root: string): string[] {
  requireDir(root, 'dataset root');
  return sortedEntries(root).filter(
    (name) => !name.startsWith('.') && isDir(join(root, name, 'train')) && isDir(join(root, name, 'test')),
  );
}

function listSplit(classDir: string, phase: 'train' | 'test'): SampleRef[] {
  const imgDir = join(classDir, phase);
  requireDir(imgDir, `${phase} folder`);
  const out: SampleRef[] = [];
  for (const type of sortedEntries(imgDir)) {
    const typeDir = join(imgDir, type);
    if (!isDir(typeDir)) continue;
    const files = sortedEntries(typeDir).filter((f) => f.endsWith('.png'));
    for (const f of files) {
      const path = join(typeDir, f);
      if (type === 'good') {
        out.push({ path, label: 0, defect: 'good', maskPath: null });
      } else {
        const maskPath = join(classDir, 'ground_truth', type, `${stem(f)}_mask.png`);
        if (!isFile(maskPath)) throw new DataError(`ground-truth mask missing for ${path}`, maskPath);
        out.push({ path, label: 1, defect: type, maskPath });
      }
    }
  }
  return out;
}

export function listMvtecLayoutClass(kind: 'mvtec' | 'folder', root: string, className: string): ClassListing {
  requireDir(root, 'dataset root');
  const classDir = join(root, className);
  requireDir(classDir, `class '${className}'`);
  const train = listSplit(classDir, 'train');
  const test = listSplit(classDir, 'test');
  if (train.length === 0)
    throw new DataError(`class '${className}' has no training images (.png under train/*/)`, join(classDir, 'train'));
  if (test.length === 0)
    throw new DataError(`class '${className}' has no test images (.png under test/*/)`, join(classDir, 'test'));
  return { kind, root, className, train, test };
}
