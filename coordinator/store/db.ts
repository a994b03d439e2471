/**
 * Open the coordinator's SQLite database: WAL, foreign keys, busy timeout, migrated to the latest schema.
 * synchronous=NORMAL: a COMMIT survives a process crash; what must also survive an OS crash (a result
 * acknowledged to a worker) is synced explicitly before the answer (wal-sync.ts, via the group commit).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** ms to wait on a lock held by another connection */
  busyTimeoutMs?: number;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  }
  return db;
}
