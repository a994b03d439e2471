/**
 * Why a re-submitted sweep found nothing stored: its trials may differ from the stored ones only by the dataset
 * root (a copied config in another folder resolves relative roots elsewhere). Pairs each such submitted root with
 * the stored one, so submit can say so instead of silently adding every trial again.
 */
import { canonicalJson, type TrialParams, type TrialSpec } from '../../shared/trial.js';
import type { Db } from './db.js';
import type { RootMove } from './types.js';

/** the trial's identity with its root blanked out */
const withoutRoot = (params: TrialParams): string => canonicalJson({ ...params, root: '' });

/** The stored roots that the new trials of `added` would match if their root were the stored one. */
export function rootMoves(db: Db, sweepId: number, added: readonly TrialSpec[]): RootMove[] {
  if (added.length === 0) return [];
  const fresh = new Set(added.map((t) => t.key)); // inserted by this submit, in the same transaction
  const stored = new Map<string, string>();
  const rows = db.prepare('SELECT key, params_json FROM trials WHERE sweep_id = ?').iterate(sweepId) as Iterable<{
    key: string;
    params_json: string;
  }>;
  for (const r of rows) {
    if (fresh.has(r.key)) continue;
    const p = JSON.parse(r.params_json) as TrialParams;
    if (typeof p.root === 'string') stored.set(withoutRoot(p), p.root);
  }
  if (stored.size === 0) return [];
  const moves = new Map<string, RootMove>();
  for (const t of added) {
    const was = stored.get(withoutRoot(t.params));
    if (was === undefined || was === t.params.root) continue;
    const id = `${was}\0${t.params.root}`;
    const m = moves.get(id) ?? { stored: was, submitted: t.params.root, trials: 0 };
    m.trials++;
    moves.set(id, m);
  }
  return [...moves.values()];
}
