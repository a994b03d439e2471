/**
 * A worker's own policy for command objectives: the command travels in the lease (it comes from the sweep
 * file the coordinator's owner submitted), but the worker decides whether it runs programs at all
 * (`--no-command`) and which ones (`--allow-command PROG`, repeatable). See docs/command-objective.md.
 */
import { isAbsolute, resolve } from 'node:path';

export interface CommandPolicy {
  /** false: refuse every command trial (`--no-command`) */
  enabled: boolean;
  /** null: any program; else only these (a bare name matches argv[0] exactly, a path matches the resolved path) */
  allow: readonly string[] | null;
}

export const ALLOW_ALL: CommandPolicy = { enabled: true, allow: null };

/** Why the policy refuses to run `program` (argv[0], resolved against `cwd` when it is a path), or null. */
export function policyRefusal(policy: CommandPolicy, program: string, cwd: string): string | null {
  if (!policy.enabled) return 'this worker refuses command objectives (--no-command)';
  if (policy.allow === null) return null;
  const asPath = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const ok = policy.allow.some((a) =>
    a.includes('/') ? program.includes('/') && resolve(a) === asPath(program) : a === program,
  );
  return ok
    ? null
    : `program "${program}" is not in this worker's --allow-command list (${policy.allow.join(', ') || 'empty'})`;
}

/** Check a policy built from the command line or options; throws naming the field. */
export function checkPolicy(p: unknown): CommandPolicy {
  const o = p as Partial<CommandPolicy> | null;
  if (typeof o !== 'object' || o === null || typeof o.enabled !== 'boolean')
    throw new TypeError('command policy must be {enabled: boolean, allow: string[] | null}');
  if (o.allow !== null && !(Array.isArray(o.allow) && o.allow.every((a) => typeof a === 'string' && a !== ''))) {
    throw new TypeError('command policy allow must be null or a list of program names');
  }
  return { enabled: o.enabled, allow: o.allow === null ? null : [...(o.allow as string[])] };
}
