/** Dataset kind detection (spec 2.2 'auto'), class lists and class listings for every dataset kind. */
import { join } from 'node:path';
import { DATASET_KINDS, MVTEC_CLASSES, VISA_CLASSES, type DatasetKind } from '../../shared/datasets.js';
import { DataError, UserError } from '../../shared/errors.js';
import { isDir, requireDir, sortedEntries } from './fs-util.js';
import { listMvtecLayoutClass, listMvtecLayoutClasses } from './mvtec.js';
import type { ClassListing, ListClassOptions } from './types.js';
import { listVisaClass, listVisaClasses } from './visa.js';

const MVTEC_SET: ReadonlySet<string> = new Set(MVTEC_CLASSES);

/**
 * Spec 2.2 'auto': MVTec layout if any class folder has train/ and test/, else VisA if any has Data/, else MVTec.
 * An MVTec-layout root whose classes are not all MVTec AD class names is reported as 'folder' (same listing rules,
 * custom names allowed), e.g. the synthetic dataset.
 */
export function detectDatasetKind(root: string): DatasetKind {
  if (!isDir(root)) return 'mvtec';
  const dirs = sortedEntries(root).filter((n) => !n.startsWith('.') && isDir(join(root, n)));
  const mvtecLike = dirs.filter((n) => isDir(join(root, n, 'train')) && isDir(join(root, n, 'test')));
  if (mvtecLike.length > 0) return mvtecLike.every((n) => MVTEC_SET.has(n)) ? 'mvtec' : 'folder';
  if (dirs.some((n) => isDir(join(root, n, 'Data')))) return 'visa';
  return 'mvtec';
}

/** Parse a --kind value: 'auto' detects from the root. */
export function resolveDatasetKind(kind: string, root: string): DatasetKind {
  const k = kind.trim().toLowerCase();
  if (k === 'auto' || k === '') return detectDatasetKind(root);
  if ((DATASET_KINDS as readonly string[]).includes(k)) return k as DatasetKind;
  throw new UserError(`unknown dataset kind '${kind}' (expected auto, ${DATASET_KINDS.join(', ')})`);
}

/** All classes of a dataset root, sorted (spec 2.1/2.2: folders with train/+test/, or with Data/ for VisA). */
export function listClasses(kind: DatasetKind, root: string, opts: ListClassOptions = {}): string[] {
  requireDir(root, 'dataset root');
  return kind === 'visa' ? listVisaClasses(root, opts) : listMvtecLayoutClasses(root);
}

/** Check an explicit class list: mvtec and visa accept only their canonical class names. */
export function checkClassNames(kind: DatasetKind, names: readonly string[]): void {
  const canonical: readonly string[] | null = kind === 'mvtec' ? MVTEC_CLASSES : kind === 'visa' ? VISA_CLASSES : null;
  if (canonical === null) return;
  const bad = names.filter((n) => !canonical.includes(n));
  if (bad.length > 0) {
    throw new UserError(
      `not ${kind === 'mvtec' ? 'an MVTec AD' : 'a VisA'} class: ${bad.join(', ')} (valid: ${canonical.join(', ')}; ` +
        `use dataset kind 'folder' for custom class names)`,
    );
  }
}

/** Train and test samples of one class, in the original loader's order. Throws DataError naming the file. */
export function listClass(
  kind: DatasetKind,
  root: string,
  className: string,
  opts: ListClassOptions = {},
): ClassListing {
  if (!className || className.includes('/') || className.includes('\\') || className === '.' || className === '..') {
    throw new DataError(`invalid class name '${className}'`, root);
  }
  return kind === 'visa' ? listVisaClass(root, className, opts) : listMvtecLayoutClass(kind, root, className);
}
