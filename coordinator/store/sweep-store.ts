/**
 * The sweep store: sweeps, trials and their results behind one small interface (Optuna-style storage).
 * This is the SQLite implementation; the coordinator is its only writer.
 */
import { UserError } from '../../shared/errors.js';
import { openDatabase, type Db } from './db.js';
import { StoreReads } from './reads/index.js';
import { resumeSweep } from './resume.js';
import { submitSweep, type SubmitOptions } from './submit.js';
import { TRIAL_STATUSES, type ResumeResult, type SubmitResult, type SubmittableSweep, type TrialStatus } from './types.js';

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
  resume(sweepName: string, opts: { maxAttempts?: number; now?: number } = {}): ResumeResult {
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

export function sweepIdByName(db: Db, name: string): number {
  const row = db.prepare('SELECT id FROM sweeps WHERE name = ?').get(name) as { id: number } | undefined;
  if (row) return row.id;
  const names = (db.prepare('SELECT name FROM sweeps ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  throw new UserError(`no sweep named ${JSON.stringify(name)}; known sweeps: ${names.length ? names.join(', ') : '(none: submit one first)'}`);
}

export function statusCountsById(db: Db, sweepId: number): Record<TrialStatus, number> {
  const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
  const rows = db.prepare('SELECT status, count(*) AS n FROM trials WHERE sweep_id = ? GROUP BY status').all(sweepId) as {
    status: TrialStatus;
    n: number;
  }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
