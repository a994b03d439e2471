/**
 * Chooses the Objective for a leased trial by its params.objective. The wepadim objective (and so
 * the tensor stack) is imported lazily, only when a wepadim trial arrives.
 */
import type { Objective } from '../objective.js';

export type ObjectiveFactory = (name: string) => Promise<Objective>;

export function objectiveLoader(wepadimOptions: Record<string, unknown>): { get: ObjectiveFactory; all(): Objective[] } {
  const made = new Map<string, Promise<Objective>>();
  const loaded: Objective[] = [];
  const create = async (name: string): Promise<Objective> => {
    if (name === 'synthetic') {
      const { createSyntheticObjective } = await import('../synthetic/objective.js');
      return createSyntheticObjective();
    }
    if (name === 'wepadim') {
      // module name in a variable: the runner is optional at type-check time and heavy at load time
      const runnerModule = '../runner/index.js';
      const mod = (await import(runnerModule)) as { createWepadimObjective?: (o: Record<string, unknown>) => Objective };
      if (typeof mod.createWepadimObjective !== 'function') throw new Error('worker/runner does not export createWepadimObjective');
      return mod.createWepadimObjective(wepadimOptions);
    }
    throw new Error(`unknown objective "${name}" (expected "wepadim" or "synthetic")`);
  };
  return {
    get(name) {
      let p = made.get(name);
      if (!p) {
        p = create(name).then((o) => {
          loaded.push(o);
          return o;
        });
        made.set(name, p);
        p.catch(() => made.delete(name));
      }
      return p;
    },
    /** the objectives created so far */
    all() {
      return [...loaded];
    },
  };
}

/** Feature keys an objective holds warm, if it reports them (an optional `featureCaches()` method). */
export function featureCachesOf(o: Objective): string[] {
  const f = (o as { featureCaches?: () => unknown }).featureCaches;
  if (typeof f !== 'function') return [];
  const v: unknown = f.call(o);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
