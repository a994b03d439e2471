/**
 * The trial runner: the `wepadim` objective that runs leased groups of compatible trials with shared
 * features, DWT and Gram terms, and writes per-trial artifacts.
 */
import type { Objective } from '../objective-types.js';
import { WepadimObjective } from './wepadim-objective.js';
import type { WepadimObjectiveOptions } from './options.js';

export type { WepadimObjectiveOptions } from './options.js';
export type { RunnerPorts } from './ports.js';
export { holdoutSplit, seededRandom, type HoldoutSplit } from './holdout.js';

export function createWepadimObjective(opts: WepadimObjectiveOptions): Objective {
  return new WepadimObjective(opts);
}
