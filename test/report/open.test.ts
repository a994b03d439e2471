import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openReportDb } from '../../coordinator/report/open.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../coordinator/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openReportDb', () => {
  it('brings a version-1 database up to date, then reads it read-only', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.slice(0, 1));
    raw.close();
    const db = openReportDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.readonly).toBe(true);
    expect(() => db.prepare(`INSERT INTO events (time, level, message) VALUES (0, 'info', 'x')`).run()).toThrow(/readonly/);
    db.close();
  });

  it('refuses a missing file and a newer schema', () => {
    expect(() => openReportDb(join(dir, 'nope.db'))).toThrow(/no database at .*nope\.db/);
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openReportDb(path)).toThrow(/newer than this wepadim/);
  });
});
