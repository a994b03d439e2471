/**
 * Spec 2.2: VisA. Preferred source is a split CSV (columns object, split, label, image, mask; paths relative to the
 * root), else the fallback folder layout <cls>/Data/{train/normal, test/normal, test/anomaly} with masks in
 * <cls>/Seg_mask/anomaly or <cls>/Data/Masks/Anomaly named <stem>.png or <stem>_mask.png.
 */
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { DataError } from '../../shared/errors.js';
import { readCsvRows } from './csv.js';
import { isDir, isFile, requireDir, sortedEntries, stem } from './fs-util.js';
import type { ClassListing, ListClassOptions, SampleRef } from './types.js';

const NORMAL_LABELS = new Set(['normal', 'good', '0']);

/** The CSV name chosen as the original does: option, else env VISA_SPLIT_CSV, else 1cls.csv; '.csv' appended. */
export function visaSplitCsvName(opts: ListClassOptions = {}): string {
  const name = opts.visaSplitCsv || process.env.VISA_SPLIT_CSV || '1cls.csv';
  return name.endsWith('.csv') ? name : `${name}.csv`;
}

/**
 * Absolute path of the split CSV, or null to use the folder layout. A name given explicitly in `opts` that
 * cannot be found is an error (the original silently fell back; an explicit choice should not be ignored).
 */
export function resolveVisaSplitCsv(root: string, opts: ListClassOptions = {}): string | null {
  const name = visaSplitCsvName(opts);
  const candidates = isAbsolute(name) ? [name] : [join(root, 'split_csv', name), join(root, name)];
  const found = candidates.find(isFile) ?? null;
  if (found === null && opts.visaSplitCsv) {
    throw new DataError(`VisA split CSV not found (looked in ${candidates.join(', ')})`, name);
  }
  return found;
}

function resource(root: string, rel: string): string {
  return isAbsolute(rel) ? rel : join(root, rel);
}

function listFromCsv(root: string, csvPath: string, className: string, split: 'train' | 'test'): SampleRef[] {
  const { rows } = readCsvRows(readFileSync(csvPath, 'utf8'), csvPath);
  const out: SampleRef[] = [];
  for (const { line, values } of rows) {
    if ((values.object ?? '').trim() !== className) continue;
    if ((values.split ?? '').trim().toLowerCase() !== split) continue;
    const label = (values.label ?? '').trim().toLowerCase();
    const imageRel = (values.image ?? '').trim();
    const maskRel = (values.mask ?? '').trim();
    if (!imageRel) throw new DataError(`line ${line}: entry without an image path for class '${className}'`, csvPath);
    const path = resource(root, imageRel);
    if (!isFile(path)) throw new DataError(`VisA image listed in split file (${csvPath} line ${line}) not found`, path);
    if (NORMAL_LABELS.has(label)) {
      out.push({ path, label: 0, defect: 'good', maskPath: null });
    } else {
      const maskPath = maskRel ? resource(root, maskRel) : null;
      if (maskPath === null || !isFile(maskPath)) {
        throw new DataError(
          `line ${line}: VisA anomaly mask missing for '${imageRel}' (mask entry '${maskRel}')`,
          maskPath ?? csvPath,
        );
      }
      out.push({ path, label: 1, defect: 'anomaly', maskPath });
    }
  }
  if (out.length === 0) throw new DataError(`no VisA samples for class '${className}' in split '${split}'`, csvPath);
  return out;
}

function imagesIn(dir: string, what: string): string[] {
  requireDir(dir, `VisA ${what} directory (no split CSV found)`);
  return sortedEntries(dir)
    .filter((f) => /\.(jpg|png)$/i.test(f))
    .map((f) => join(dir, f));
}

function listFromFolders(root: string, className: string, split: 'train' | 'test'): SampleRef[] {
  const data = join(root, className, 'Data');
  if (split === 'train') {
    const dir = join(data, 'train', 'normal');
    const files = imagesIn(dir, 'training');
    if (files.length === 0) throw new DataError(`no training images for class '${className}'`, dir);
    return files.map((path) => ({ path, label: 0, defect: 'good', maskPath: null }));
  }
  const normal = imagesIn(join(data, 'test', 'normal'), "test 'normal'");
  const anomaly = imagesIn(join(data, 'test', 'anomaly'), "test 'anomaly'");
  const gtCandidates = [join(root, className, 'Seg_mask', 'anomaly'), join(data, 'Masks', 'Anomaly')];
  const gtDir = gtCandidates.find(isDir);
  if (anomaly.length > 0 && gtDir === undefined) {
    throw new DataError(
      `VisA ground-truth mask directory not found (looked for ${gtCandidates.join(' and ')})`,
      join(root, className),
    );
  }
  const out: SampleRef[] = normal.map((path) => ({ path, label: 0, defect: 'good', maskPath: null }));
  for (const path of anomaly) {
    const base = stem(basename(path));
    const options = [join(gtDir ?? '', `${base}.png`), join(gtDir ?? '', `${base}_mask.png`)];
    const maskPath = options.find(isFile);
    if (maskPath === undefined)
      throw new DataError(`missing VisA anomaly mask (looked for ${options.join(' and ')})`, path);
    out.push({ path, label: 1, defect: 'anomaly', maskPath });
  }
  if (out.length === 0) throw new DataError(`no test images for class '${className}'`, join(data, 'test'));
  return out;
}

/** Class folders that have Data/; when there are none, the classes named in the split CSV (sorted). */
export function listVisaClasses(root: string, opts: ListClassOptions = {}): string[] {
  requireDir(root, 'dataset root');
  const dirs = sortedEntries(root).filter((n) => !n.startsWith('.') && isDir(join(root, n, 'Data')));
  if (dirs.length > 0) return dirs;
  const csv = resolveVisaSplitCsv(root, opts);
  if (csv === null) return [];
  const names = new Set(readCsvRows(readFileSync(csv, 'utf8'), csv).rows.map((r) => (r.values.object ?? '').trim()));
  names.delete('');
  return [...names].sort();
}

export function listVisaClass(root: string, className: string, opts: ListClassOptions = {}): ClassListing {
  requireDir(root, 'dataset root');
  const csv = resolveVisaSplitCsv(root, opts);
  const list = (split: 'train' | 'test'): SampleRef[] =>
    csv !== null ? listFromCsv(root, csv, className, split) : listFromFolders(root, className, split);
  return { kind: 'visa', root, className, train: list('train'), test: list('test') };
}
