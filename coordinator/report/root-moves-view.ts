/** The submit notice for trials that differ from a sweep's stored ones only by their dataset root. */
import type { RootMove } from '../store/types.js';

/** One line per moved root, e.g. "0 existing: dataset root differs from sweep demo's (/b/data vs stored /a/data) …". */
export function rootMovesText(sweep: string, existing: number, moves: readonly RootMove[]): string {
  return moves
    .map(
      (m) =>
        `${existing} existing: dataset root differs from sweep ${sweep}'s (${m.submitted} vs stored ${m.stored}); ` +
        `${m.trials} trial(s) are new only because of it. Give the same root (an absolute path, or submit ` +
        `from the first file's folder) to reuse the stored trials.\n`,
    )
    .join('');
}
