/** Types `wepadim run` uses from the grid's expanded sweep. */
export type { DatasetDecl as SweepDataset } from '../../../coordinator/grid/index.js';
