export {
  createSyntheticObjective,
  attemptFails,
  syntheticMetrics,
  unitHash,
  abortableSleep,
  SYNTHETIC_BACKEND,
} from './synthetic-objective.js';
