/**
 * Explicit nulls (`wavelet: ~`, `wavelet: null`, `wavelet:` with nothing after it) are errors: they used to
 * fall back to the default silently, which hid typos and unfinished edits. In a file that `extends:` another,
 * a null removes the base's key; those are consumed by the merge before this check runs. `selection: null`
 * keeps its documented meaning (no selection split).
 */
import { printable } from '../../shared/printable.js';
import { fail, type LNode } from './located.js';
import { isGridParam } from '../../shared/params/catalogue.js';
import { DEFAULTS } from './params.js';

/** Keys whose null is a value, not an omission. */
const NULL_ALLOWED = new Set(['selection']);

function shown(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(shown).join(', ')}]`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
  return v === null ? 'none' : String(v);
}

function hint(key: string): string {
  if (isGridParam(key) && key !== 'dataset') return `, or leave ${key} out for its default (${shown(DEFAULTS[key])})`;
  return ', or leave the key out';
}

/** Throw at the first null value of a mapping entry (outside NULL_ALLOWED), naming its path. */
export function rejectNulls(n: LNode, path = ''): void {
  if (n.kind === 'seq') {
    n.items.forEach((it, i) => rejectNulls(it, `${path}[${i}]`));
    return;
  }
  if (n.kind !== 'map') return;
  for (const e of n.entries) {
    const here = path ? `${path}.${e.key}` : e.key;
    if (e.value.kind === 'scalar' && e.value.value === null) {
      if (!NULL_ALLOWED.has(e.key))
        fail(e.keyLoc, `${printable(here, 160)} is empty (null): give a value${hint(e.key)}`);
    } else {
      rejectNulls(e.value, here);
    }
  }
}
