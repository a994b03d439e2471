/**
 * Narrow an expanded sweep for a local run: keep some classes (--classes) and the first K grid points
 * (--max-points), where a grid point is a trial's parameters without the class.
 */
import { UserError } from '../shared/errors.js';
import { trialKey, type TrialSpec } from '../shared/trial.js';

/** Identity of a grid point: the trial key of the parameters with the class blanked. */
export function gridPointKey(t: TrialSpec): string {
  return trialKey({ ...t.params, class: '' });
}

export interface SweepNarrowing {
  classes?: readonly string[];
  maxPoints?: number;
}

export function narrowTrials(trials: readonly TrialSpec[], n: SweepNarrowing, source = 'the sweep'): TrialSpec[] {
  let out = [...trials];
  if (n.classes && n.classes.length > 0) {
    const known = new Set(out.map((t) => t.params.class));
    const unknown = n.classes.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new UserError(
        `--classes: ${unknown.join(', ')} not in ${source} (its classes: ${[...known].sort().join(', ')})`,
      );
    }
    const want = new Set(n.classes);
    out = out.filter((t) => want.has(t.params.class));
  }
  if (n.maxPoints !== undefined) {
    if (!(Number.isInteger(n.maxPoints) && n.maxPoints > 0))
      throw new UserError(`--max-points must be a positive integer, got ${n.maxPoints}`);
    const keep = new Set<string>();
    out = out.filter((t) => {
      const k = gridPointKey(t);
      if (keep.has(k)) return true;
      if (keep.size >= (n.maxPoints ?? Infinity)) return false;
      keep.add(k);
      return true;
    });
  }
  return out;
}
