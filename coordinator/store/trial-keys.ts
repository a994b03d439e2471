/**
 * Trial keys as people type them: a full key, or a unique prefix of at least 6 hex digits (reports show 12).
 * One resolver for every command that names a trial (cancel, artifacts, maps), so each accepts what reports print.
 */
import { UserError } from '../../shared/errors.js';
import type { Db } from './db.js';

/** `(target) => key`: the full key a unique prefix names; the target unchanged when it is a key or matches none. */
export function trialKeyResolver(db: Db): (target: string) => string {
  const exact = db.prepare('SELECT 1 FROM trials WHERE key = ? LIMIT 1');
  const withPrefix = db.prepare('SELECT DISTINCT key FROM trials WHERE key >= ? AND key < ? ORDER BY key LIMIT 3');
  return (target) => {
    if (!/^[0-9a-f]{6,63}$/.test(target) || exact.get(target)) return target;
    const keys = withPrefix.pluck().all(target, `${target}g`) as string[];
    if (keys.length > 1)
      throw new UserError(
        `trial key prefix ${target} is ambiguous (${keys.slice(0, 2).join(', ')}${keys.length > 2 ? ', ...' : ''}); give more digits`,
      );
    return keys[0] ?? target;
  };
}
