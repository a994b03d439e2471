/** The coordinator's store: SQLite database, schema migrations, the sweep store, the trial state machine and the read API. */
export { openDatabase, type Db, type OpenOptions } from './db.js';
export { LATEST_VERSION, MIGRATIONS, migrate, type Migration } from './migrations.js';
export { SweepStore } from './sweep-store.js';
export { statusCountsById, sweepIdByName } from './reads/sweeps.js';
export { submitSweep, type SubmitOptions } from './submit.js';
export { resumeSweep } from './resume.js';
export { DEFAULT_DB_PATH, DEFAULT_RUNS_DIR, locateDb, resolveDbPath, runDbPath, sweepDirName } from './paths.js';
export {
  TRIAL_STATUSES,
  type ResumeResult,
  type SubmitResult,
  type SubmittableSweep,
  type TrialStatus,
} from './types.js';
export { StoreReads, mapJobOutstanding, type MapJobRow, type StoredMap } from './reads/index.js';
export { openReads } from './reads/open.js';
export { TRANSITIONS, IllegalTransitionError, type TransitionName } from './transitions.js';
