/**
 * Open the database for reporting: read-only, behind the store's read API (StoreReads). A database written by an older wepadim is first brought
 * to the latest schema (one short write transaction per migration), then reopened read-only.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../../../shared/errors.js';
import { openDatabase, type Db } from '../db.js';
import { LATEST_VERSION } from '../migrations.js';
import { StoreReads } from './index.js';

/** The read-only connection behind openReads (migrated first); for readers that build on StoreReads (the dashboard). */
export function openReadDb(path: string): Db {
  if (path !== ':memory:' && !existsSync(path))
    throw new UserError(
      `no database at ${path} (give --db FILE or set WEPADIM_DB; \`wepadim submit\` creates it, \`wepadim run FILE\` writes runs/<sweep>/wepadim.db)`,
    );
  let db = openDatabase(path, { readonly: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_VERSION) {
    db.close();
    throw new UserError(
      `${path}: schema version ${version} is newer than this wepadim understands (${LATEST_VERSION}); upgrade wepadim`,
    );
  }
  if (version < LATEST_VERSION) {
    db.close();
    openDatabase(path).close(); // migrates
    db = openDatabase(path, { readonly: true });
  }
  return db;
}

export function openReads(path: string): StoreReads {
  return new StoreReads(openReadDb(path), true);
}
