/**
 * The sweep store: sweeps, trials and their results behind one small interface (Optuna-style storage).
 * This is the SQLite implementation; the coordinator is its only writer.
 */
import { openDatabase, type Db } from './db.js';
import { StoreReads } from './reads/index.js';
import { statusCountsById, sweepIdByName } from './reads/sweeps.js';
import { resumeSweep, type ResumeOptions } from './resume.js';
import { submitSweep, type SubmitOptions } from './submit.js';
import { type ResumeResult, type SubmitResult, type SubmittableSweep, type TrialStatus } from './types.js';

export class SweepStore {
  /** the connection is the store's own: other modules use its methods and `reads` */
  readonly #db: Db;
  /** the typed read API over this store's connection (reports, status, the local run view) */
  readonly reads: StoreReads;

  constructor(db: Db) {
    this.#db = db;
    this.reads = new StoreReads(db);
  }

  /** Open (creating and migrating if needed) the database at `path`; ':memory:' works too. */
  static open(path: string): SweepStore {
    return new SweepStore(openDatabase(path));
  }

  close(): void {
    this.#db.close();
  }

  /** Insert the trials not yet stored; with dryRun nothing is written but the counts are the same. */
  submit(sweep: SubmittableSweep, opts: SubmitOptions = {}): SubmitResult {
    return submitSweep(this.#db, sweep, opts);
  }

  /** Failed and lease-expired trials -> pending, if attempts < limit (maxAttempts overrides and is stored). */
  resume(sweepName: string, opts: ResumeOptions = {}): ResumeResult {
    return resumeSweep(this.#db, this.sweepId(sweepName), opts);
  }

  /** The id of a sweep by name; a UserError listing the known sweeps when there is none. */
  sweepId(name: string): number {
    return sweepIdByName(this.#db, name);
  }

  statusCounts(sweepName: string): Record<TrialStatus, number> {
    return statusCountsById(this.#db, this.sweepId(sweepName));
  }
}
