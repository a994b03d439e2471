import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate, openDatabase, SweepStore } from '../../coordinator/store/index.js';
import { makeSweep, seedResults } from './seed.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-mig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('upgrades a version-1 database that holds data, keeping every row', () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    expect(migrate(raw, MIGRATIONS.slice(0, 1))).toEqual([1]);
    raw.close();
    // fill it through the store's own code paths written against v1 tables only
    const v1 = new Database(path);
    const sweep = makeSweep('old', { classes: ['bottle', 'cable'], sigma: [2, 4] });
    const now = 5;
    const ins = v1.prepare(
      `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, created_at) VALUES (1, ?, 'main', ?, 'wepadim', ?, 'f', 'd', ?)`,
    );
    v1.prepare(
      `INSERT INTO sweeps (name, source_yaml, source_hash, created_at, updated_at) VALUES ('old', ?, ?, ?, ?)`,
    ).run(sweep.sourceYaml, sweep.sourceHash, now, now);
    for (const t of sweep.trials) ins.run(t.key, t.params.class, JSON.stringify(t.params), now);
    const seeded = seedResults(v1, 1, ['image_auroc'], 7);
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    const db = openDatabase(path); // migrates to the latest version
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT count(*) n FROM trials').get()).toEqual({ n: 4 });
    expect(db.prepare('SELECT count(*) n FROM metrics').get()).toEqual({ n: 4 });
    // the new grid-point column works on old rows: two points, two classes each
    const points = db
      .prepare('SELECT point_json, count(*) n FROM trials GROUP BY point_json ORDER BY min(id)')
      .all() as {
      point_json: string;
      n: number;
    }[];
    expect(points.map((p) => p.n)).toEqual([2, 2]);
    expect(JSON.parse(points[0].point_json)).toMatchObject({ sigma: 2 });
    expect(JSON.parse(points[0].point_json)).not.toHaveProperty('class');
    const view = db.prepare('SELECT trial_id, value FROM final_metrics WHERE sweep_id = 1 ORDER BY trial_id').all();
    expect(view).toEqual(seeded.map((t) => ({ trial_id: t.id, value: t.metrics.image_auroc })));
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT point_json, count(*) FROM trials WHERE sweep_id = 1 GROUP BY point_json`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/trials_by_point/);
    db.close();
    // the upgraded database behaves like a new one: re-submitting the same grid adds nothing
    const s = SweepStore.open(path);
    expect(s.submit(sweep)).toMatchObject({ added: 0, existing: 4, total: 4 });
    s.close();
  });

  it('migrates a database from before any migration, and is idempotent', () => {
    const path = join(dir, 'v0.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE unrelated (x INTEGER)');
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(migrate(raw)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(raw)).toEqual([]);
    const tables = (
      raw.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'sweeps',
        'trials',
        'attempts',
        'metrics',
        'results',
        'workers',
        'artifacts',
        'events',
        'final_metrics',
        'unrelated',
      ]),
    );
    raw.close();
  });

  it('a failing migration leaves the database at its previous version', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, name: 'broken', sql: 'CREATE TABLE ok (x); CREATE TABLE nope (;' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT count(*) n FROM sqlite_master WHERE name = 'ok'`).get()).toEqual({ n: 0 });
    db.close();
  });
});
