/**
 * Chooses the Objective for a leased trial by its params.objective: a typed registry from each objective
 * name of the grid to a factory. Each factory imports its module lazily (a literal `import()`, so tsc
 * checks the edge): the wepadim objective pulls in the tensor stack, which a synthetic-only worker never loads.
 */
import type { Objective as ObjectiveName } from '../../shared/trial.js';
import type { WepadimObjectiveOptions } from '../runner/options.js';
import type { Objective } from '../objective-types.js';
import { checkPolicy, type CommandPolicy } from '../command/policy.js';

/** What the worker passes every factory: the wepadim objective's options plus the command policy. */
export type ObjectiveOptions = WepadimObjectiveOptions & { commandPolicy?: CommandPolicy };

export type ObjectiveFactory = (name: string) => Promise<Objective>;

/** One factory per objective name; `satisfies` makes a new objective name a compile error until it is registered. */
const OBJECTIVE_FACTORIES = {
  // synthetic trials write artifacts (trial.json and a data file of $WEPADIM_SYNTHETIC_ARTIFACT_BYTES bytes)
  // when that variable is set and an artifacts folder is known (load and fault tests of uploads)
  synthetic: async (o: ObjectiveOptions) => {
    const bytes = Number(process.env.WEPADIM_SYNTHETIC_ARTIFACT_BYTES ?? 0);
    const dir = o.artifactsDir ?? process.env.WEPADIM_ARTIFACTS_DIR;
    const artifacts = dir && Number.isSafeInteger(bytes) && bytes > 0 ? { dir, bytes } : null;
    return (await import('../synthetic/synthetic-objective.js')).createSyntheticObjective(artifacts);
  },
  wepadim: async ({ commandPolicy: _, ...o }: ObjectiveOptions) =>
    (await import('../runner/index.js')).createWepadimObjective(o),
  command: async (o: ObjectiveOptions) =>
    (await import('../command/command-objective.js')).createCommandObjective({
      artifactsDir: o.artifactsDir,
      gpu: o.gpu,
      policy: o.commandPolicy === undefined ? undefined : checkPolicy(o.commandPolicy),
    }),
} satisfies Record<ObjectiveName, (o: ObjectiveOptions) => Promise<Objective>>;

function isObjectiveName(name: string): name is ObjectiveName {
  return Object.hasOwn(OBJECTIVE_FACTORIES, name);
}

export function objectiveLoader(wepadimOptions: ObjectiveOptions): { get: ObjectiveFactory; all(): Objective[] } {
  const made = new Map<string, Promise<Objective>>();
  const loaded: Objective[] = [];
  const create = async (name: string): Promise<Objective> => {
    if (!isObjectiveName(name)) {
      const names = Object.keys(OBJECTIVE_FACTORIES).map((k) => `"${k}"`);
      throw new Error(
        `unknown objective "${name}" (expected ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]})`,
      );
    }
    return OBJECTIVE_FACTORIES[name](wepadimOptions);
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
