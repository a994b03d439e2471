/**
 * coordinator/grid: sweep YAML -> validated, expanded, canonical trials. See docs/sweep-format.md.
 */
export type { DatasetDecl, SyntheticDatasetSpec } from './dataset.js';
export type { ExpandedStage, ExpandedSweep, ExpandOptions } from './load.js';
export { expandSweepText, loadSweepFile } from './load.js';
export { maxLevel } from './expand.js';
export { DEFAULTS } from './params.js';
export { GRID_PARAMS, type GridParam } from '../../shared/params/catalogue.js';
