/**
 * Honest selection: split a class's test set, stratified by label and seeded, into a selection part
 * and a report part. Deterministic for a given (labels, holdout, seed).
 */
import type { SelectionSpec } from '../../shared/trial.js';
import { mulberry32 } from '../../shared/random.js';

/** The holdout split's PRNG (mulberry32). */
export const seededRandom = mulberry32;

export interface HoldoutSplit {
  selection: Uint32Array; // sorted test indices
  report: Uint32Array; // sorted test indices
}

/**
 * Within each label, Fisher-Yates shuffle the indices (labels in ascending order, one PRNG stream),
 * then take round(holdout * count) of them for selection, keeping at least one in each part when the
 * label has two or more samples.
 */
export function holdoutSplit(labels: ArrayLike<number>, sel: SelectionSpec): HoldoutSplit {
  if (!(sel.holdout > 0 && sel.holdout < 1))
    throw new RangeError(`selection.holdout must be in (0, 1), got ${sel.holdout}`);
  const rand = seededRandom(sel.seed);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    let list = byLabel.get(l);
    if (!list) byLabel.set(l, (list = []));
    list.push(i);
  }
  const selection: number[] = [];
  const report: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const idx = byLabel.get(label) ?? [];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    let k = Math.round(sel.holdout * idx.length);
    if (idx.length >= 2) k = Math.min(idx.length - 1, Math.max(1, k));
    selection.push(...idx.slice(0, k));
    report.push(...idx.slice(k));
  }
  const sorted = (a: number[]): Uint32Array => Uint32Array.from(a.sort((x, y) => x - y));
  return { selection: sorted(selection), report: sorted(report) };
}
