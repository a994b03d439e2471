import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openReads } from '../../coordinator/store/reads/open.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../coordinator/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openReads', () => {
  it('brings a version-1 database up to date, then reads it read-only', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.slice(0, 1));
    raw.close();
    const reads = openReads(path);
    expect(reads.readonly).toBe(true);
    expect(reads.sweeps()).toEqual([]);
    reads.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    check.close();
  });

  it('refuses a missing file and a newer schema', () => {
    expect(() => openReads(join(dir, 'nope.db'))).toThrow(/no database at .*nope\.db/);
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openReads(path)).toThrow(/newer than this wepadim/);
  });
});
