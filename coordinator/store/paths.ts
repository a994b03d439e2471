/**
 * Where the database lives unless told otherwise. `wepadim submit`/`coordinator` use ./runs/wepadim.db;
 * `wepadim run FILE` keeps one database per sweep in ./runs/<sweep>/wepadim.db. Report commands given a
 * sweep name look in both (locateDb), so `wepadim status demo` right after `wepadim run` needs no --db.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from './db.js';

export const DEFAULT_DB_PATH = './runs/wepadim.db';
/** `wepadim run`'s --runs-dir default */
export const DEFAULT_RUNS_DIR = 'runs';

/** --db FILE, else $WEPADIM_DB, else ./runs/wepadim.db */
export function resolveDbPath(flag?: string): string {
  return flag || process.env.WEPADIM_DB || DEFAULT_DB_PATH;
}

/** The folder of one sweep under a runs directory (`wepadim run`). */
export function sweepDirName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

/** The database `wepadim run` writes for `sweep` under `runsDir`. */
export function runDbPath(sweep: string, runsDir = DEFAULT_RUNS_DIR): string {
  return join(runsDir, sweepDirName(sweep), 'wepadim.db');
}

function holdsSweep(path: string, sweep: string): boolean {
  const db = openDatabase(path, { readonly: true });
  try {
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sweeps'").get() !== undefined &&
      db.prepare('SELECT 1 FROM sweeps WHERE name = ?').get(sweep) !== undefined
    );
  } finally {
    db.close();
  }
}

/**
 * The database a report command reads: --db, else $WEPADIM_DB; else, for a named sweep, ./runs/wepadim.db
 * when it holds that sweep, otherwise ./runs/<sweep>/wepadim.db when that exists (what `wepadim run` wrote);
 * else ./runs/wepadim.db (whose absence openReads reports).
 */
export function locateDb(flag?: string, sweep?: string): string {
  const explicit = flag || process.env.WEPADIM_DB;
  if (explicit) return explicit;
  if (sweep === undefined) return DEFAULT_DB_PATH;
  const perRun = runDbPath(sweep);
  if (!existsSync(perRun)) return DEFAULT_DB_PATH;
  if (existsSync(DEFAULT_DB_PATH) && holdsSweep(DEFAULT_DB_PATH, sweep)) return DEFAULT_DB_PATH;
  return perRun;
}
