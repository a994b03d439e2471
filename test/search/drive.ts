/**
 * Test helper for searches: a halving sweep from YAML (objective synthetic, so nothing runs), and a driver
 * that leases every pending trial through the real lease store and completes it with a score that is a
 * known function of the trial's params (so promotions can be predicted independently).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { SqliteLeaseStore, type GrantedTrial } from '../../coordinator/store/leases.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import type { TrialParams } from '../../shared/trial.js';

export const CLASSES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];

export function halvingYaml(search: string, name = 'h'): string {
  return `name: ${name}
search: ${search}
grid:
  dataset: {kind: mvtec, root: /nowhere, classes: [bottle, cable, capsule, carpet, grid, hazelnut, leather, metal_nut, pill]}
  objective: synthetic
  sigma: [1, 2, 3, 4, 5, 6]
  cov_reg: [0.1, 0.01, 0.001]
`;
}

/** The score of a trial: the point's quality (sigma and cov_reg) plus a class effect, all distinct. */
export function scoreOf(p: TrialParams): number {
  const cls = ['bottle', 'cable', 'capsule', 'carpet', 'grid', 'hazelnut', 'leather', 'metal_nut', 'pill'].indexOf(
    p.class,
  );
  return 0.5 + 0.05 * Math.abs(p.sigma - 3.6) * -1 + 0.01 * Math.log10(p.cov_reg) * -1 + 0.003 * ((cls * 7) % 9) + 0.5;
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'wepadim-search-')), 'h.db');
}

export function submitYaml(dbPath: string, yaml: string): void {
  const store = SweepStore.open(dbPath);
  try {
    store.submit(expandSweepText(yaml, join(tmpdir(), 'h.yaml')));
  } finally {
    store.close();
  }
}

export interface Driver {
  db: Db;
  leases: SqliteLeaseStore;
  close(): void;
}

export function openDriver(dbPath: string): Driver {
  const db = openDatabase(dbPath);
  return { db, leases: new SqliteLeaseStore(db, { policy: warmCachesFirst }), close: () => db.close() };
}

export function resultFor(t: GrantedTrial) {
  const p = JSON.parse(t.paramsJson) as TrialParams;
  return {
    metrics: { image_auroc: scoreOf(p), pixel_auroc: 1 - scoreOf(p) / 2 },
    artifacts: [],
    provenance: {
      code_version: 't',
      backend: 'synthetic',
      device: 'cpu',
      weights: 'none',
      dataset_root: '/nowhere',
      class: p.class,
    },
  };
}

/** Lease and complete up to `limit` trials one at a time (in the store's lease order); returns how many. */
export function runTrials(d: Driver, limit = Infinity, now = 1_000): number {
  let done = 0;
  while (done < limit) {
    const g = d.leases.acquire('w', 1, [], now, 60_000);
    if (!g) break;
    for (const t of g.trials) {
      d.leases.complete('w', [{ leaseId: t.leaseId, fencingToken: t.fencingToken, result: resultFor(t) }], now);
      done++;
    }
  }
  return done;
}

/** The sweep's state that must not depend on how it was run: trials per rung and the promotions. */
export function snapshot(db: Db): { trials: string[]; promotions: string[] } {
  return {
    trials: db
      .prepare(`SELECT key || ' r' || rung || ' ' || status FROM trials ORDER BY key`)
      .pluck()
      .all() as string[],
    promotions: db
      .prepare(
        'SELECT p.point_key || ' +
          "' -> r'" +
          ' || r.rung FROM promotions r JOIN search_points p ON p.id = r.point_id ORDER BY 1',
      )
      .pluck()
      .all() as string[],
  };
}
