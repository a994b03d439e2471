/**
 * Migration 3's indexes: the dashboard's reads (coordinator/store/reads/dashboard.ts) use them, so none
 * reads a whole metrics, attempts or events table; and a version-2 database with data migrates to them.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  openDatabase,
  submitSweep,
  type Db,
} from '../../coordinator/store/index.js';
import {
  failedAttempts,
  latestFinished,
  sweepClasses,
  sweepStages,
  trialArtifacts,
  trialAttempts,
  trialEvents,
  trialMetrics,
} from '../../coordinator/store/reads/dashboard.js';
import { makeSweep, seedResults } from './seed.js';

/** A view of `db` that records every statement run through it, with its arguments. */
function recording(db: Db): { db: Db; calls: { sql: string; args: unknown[] }[] } {
  const calls: { sql: string; args: unknown[] }[] = [];
  const proxy = new Proxy(db, {
    get(target, key) {
      if (key !== 'prepare') return Reflect.get(target, key, target) as unknown;
      return (sql: string) => {
        const st = target.prepare(sql);
        const sp: unknown = new Proxy(st, {
          get(s, k) {
            const v = Reflect.get(s, k, s) as unknown;
            if (typeof v !== 'function') return v;
            if (k === 'all' || k === 'get')
              return (...args: unknown[]) => (
                calls.push({ sql, args }),
                (v as (...a: unknown[]) => unknown).apply(s, args)
              );
            if (k === 'pluck' || k === 'raw')
              return (...args: unknown[]) => ((v as (...a: unknown[]) => unknown).apply(s, args), sp);
            return (v as (...a: unknown[]) => unknown).bind(s);
          },
        });
        return sp;
      };
    },
  });
  return { db: proxy, calls };
}

describe('migration 3: dashboard indexes', () => {
  it('every dashboard read is an index search, never a scan of metrics, attempts or events', () => {
    const db = openDatabase(':memory:');
    submitSweep(db, makeSweep('s', { classes: ['a', 'b'], sigma: [1, 2, 3] }));
    seedResults(db, 1, ['image_auroc', 'pixel_auroc'], 3);
    db.prepare(
      "INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, ended_at, outcome, error) VALUES (2, 'w', 'Lx', 1, 1, 2, 'failed', 'boom')",
    ).run();
    db.prepare('ANALYZE').run();
    const r = recording(db);
    trialMetrics(r.db, 1);
    trialAttempts(r.db, 1);
    trialEvents(r.db, 1);
    trialArtifacts(r.db, 1);
    expect(failedAttempts(r.db, 1).map((f) => f.error)).toEqual(['boom']);
    latestFinished(r.db, 1);
    expect(sweepStages(r.db, 1)).toEqual([{ stage: 'main', total: 6, open: 0, done: 6, failed: 0 }]);
    expect(sweepClasses(r.db, 1)).toEqual(['a', 'b']);
    expect(r.calls.length).toBeGreaterThanOrEqual(9);
    for (const c of r.calls) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.args) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ');
      // the only scan allowed is of the partial index that holds failed attempts alone
      const scans = plan.split(' | ').filter((d) => d.startsWith('SCAN'));
      expect(
        scans.filter((d) => !/USING (COVERING )?INDEX attempts_failed\b/.test(d)),
        `${c.sql}\n${plan}`,
      ).toEqual([]);
    }
    db.close();
  });

  it('migrates a version-2 database that holds data', () => {
    const raw = new Database(':memory:');
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    raw
      .prepare(`INSERT INTO sweeps (name, source_yaml, source_hash, created_at, updated_at) VALUES ('s', '', '', 0, 0)`)
      .run();
    raw
      .prepare(
        `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, created_at, finished_at) VALUES (1, 'k', 'main', 'a', 'wepadim', '{"class":"a"}', 'f', 'd', 0, 5)`,
      )
      .run();
    expect(migrate(raw)).toEqual(MIGRATIONS.filter((m) => m.version > 2).map((m) => m.version));
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const names = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[];
    for (const i of [
      'metrics_stream_by_trial',
      'attempts_failed',
      'attempts_by_worker',
      'events_by_trial',
      'trials_finished',
      'trials_started',
      'trials_by_stage',
      'trials_by_class',
    ])
      expect(names).toContain(i);
    expect(latestFinished(raw, 1).map((t) => t.key)).toEqual([]); // pending trials are not "finished"
    raw.close();
    expect(openDatabase(':memory:').pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
  });
});
