/**
 * Successive halving / ASHA on the Phase-1 grid, replayed on a completed full-grid database: how many
 * trials halving needs before a point within 0.005 of the full grid's best class-mean point has been
 * measured on every class (its class mean is then exact), over 5 seeds, against the full grid's count.
 *
 * The replay is honest: the halving sweep is expanded from the full sweep's own stored YAML plus a
 * `search: halving` key, submitted to a real (in-memory) store, and driven through the real lease store,
 * whose promotion code runs in the completion transaction as in a live coordinator. Each completed trial
 * gets the result the full grid recorded for the same trial key (the policy is deterministic given the
 * results, and a trial's result does not depend on which search asked for it). Asynchronous workers are
 * simulated: 4 workers each hold a trial, and which one finishes next is drawn from the seed.
 *
 *   node bin/run-ts.js bench/halving.ts [--db runs/phase1-synth/wepadim.db] [--sweep phase1-synth] [--eta 3] [--workers 4]
 * The database comes from `wepadim run bench/phase1-synth.yaml --maps 0`.
 */
import { existsSync } from 'node:fs';
import { expandSweepText } from '../coordinator/grid/index.js';
import { openDatabase, SweepStore } from '../coordinator/store/index.js';
import { SqliteLeaseStore, type GrantedTrial } from '../coordinator/store/leases.js';
import { warmCachesFirst } from '../coordinator/scheduler/group-policy.js';
import { pointKeyOf } from '../coordinator/search/plan.js';
import { mulberry32 } from '../shared/random.js';
import type { TrialResult } from '../shared/result.js';
import type { TrialParams } from '../shared/trial.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const DB = arg('db', 'runs/phase1-synth/wepadim.db');
const SWEEP = arg('sweep', 'phase1-synth');
const ETA = Number(arg('eta', '3'));
const WORKERS = Number(arg('workers', '4'));
const METRIC = 'image_auroc';
const TOL = 0.005;
const SEEDS = [0, 1, 2, 3, 4];

if (!existsSync(DB)) {
  process.stderr.write(
    `bench halving: no full-grid database at ${DB}; make one with: wepadim run bench/phase1-synth.yaml --maps 0\n`,
  );
  process.exit(2);
}

// the full grid: every trial's recorded result, and each point's class mean
const full = openDatabase(DB, { readonly: true });
const src = full.prepare('SELECT s.source_yaml, s.source_path FROM sweeps s WHERE s.name = ?').get(SWEEP) as {
  source_yaml: string;
  source_path: string;
};
const rows = full
  .prepare(
    `SELECT t.key, t.params_json, r.result_json FROM trials t JOIN results r ON r.trial_id = t.id JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = ?`,
  )
  .all(SWEEP) as { key: string; params_json: string; result_json: string }[];
const total = full
  .prepare(`SELECT count(*) FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = ?`)
  .pluck()
  .get(SWEEP) as number;
full.close();
if (rows.length !== total)
  throw new Error(`sweep ${SWEEP} is not complete: ${rows.length} of ${total} trials have results`);
const resultOf = new Map(rows.map((r) => [r.key, JSON.parse(r.result_json) as TrialResult]));
const sums = new Map<string, { s: number; n: number }>();
for (const r of rows) {
  const k = pointKeyOf(JSON.parse(r.params_json) as TrialParams);
  const a = sums.get(k) ?? { s: 0, n: 0 };
  a.s += (JSON.parse(r.result_json) as TrialResult).metrics[METRIC];
  a.n++;
  sums.set(k, a);
}
const fullMean = new Map([...sums].map(([k, a]) => [k, a.s / a.n]));
const best = Math.max(...fullMean.values());
const good = new Set([...fullMean].filter(([, m]) => m >= best - TOL).map(([k]) => k));
const classesPerPoint = rows.length / fullMean.size;

// the full grid in its own (expansion) order reaches a good point after this many trials
const gridOrder = rows.map((r) => pointKeyOf(JSON.parse(r.params_json) as TrialParams));
const firstGood = gridOrder.findIndex((k) => good.has(k));
const gridReach = (Math.floor(firstGood / classesPerPoint) + 1) * classesPerPoint;

interface Run {
  reach: number | null;
  total: number;
  winnerGap: number;
}

function replay(seed: number, mode: 'async' | 'sync'): Run {
  const yaml =
    src.source_yaml.replace(/^name: .*$/m, `name: ${SWEEP}-halving`) +
    `\nsearch: {kind: halving, eta: ${ETA}, mode: ${mode}, seed: ${seed}, metric: ${METRIC}}\n`;
  const db = openDatabase(':memory:');
  new SweepStore(db).submit(expandSweepText(yaml, src.source_path));
  const leases = new SqliteLeaseStore(db, { policy: warmCachesFirst });
  const lastRung = db.prepare(
    `SELECT p.point_key FROM search_points p WHERE p.id = ? AND (SELECT count(*) FROM trials t WHERE t.search_point = p.id AND t.status = 'done') = ?`,
  );
  const rnd = mulberry32(seed + 1);
  const held: GrantedTrial[] = [];
  let done = 0;
  let reach: number | null = null;
  for (;;) {
    for (let w = held.length; w < WORKERS; w++) {
      const g = leases.acquire(`w${w}`, 1, [], 1, 3_600_000);
      if (!g) break;
      held.push(...g.trials);
    }
    if (held.length === 0) break;
    const [t] = held.splice(Math.floor(rnd() * held.length), 1);
    const result = resultOf.get(t.key);
    if (!result) throw new Error(`trial ${t.key} has no recorded result in the full grid`);
    leases.complete('w', [{ leaseId: t.leaseId, fencingToken: t.fencingToken, result }], 1);
    done++;
    if (reach === null) {
      // a point measured on every class has its exact class mean: is it within TOL of the full grid's best?
      const pid = db.prepare('SELECT search_point FROM trials WHERE id = ?').pluck().get(t.trialId) as number;
      const k = lastRung.get(pid, classesPerPoint) as { point_key: string } | undefined;
      if (k && good.has(k.point_key)) reach = done;
    }
  }
  const winner = db
    .prepare(
      `SELECT p.point_key FROM rung_scores r JOIN search_points p ON p.id = r.point_id WHERE r.rung = (SELECT max(rung) FROM rung_scores) ORDER BY r.score DESC, p.id LIMIT 1`,
    )
    .pluck()
    .get() as string;
  db.close();
  return { reach, total: done, winnerGap: best - (fullMean.get(winner) ?? NaN) };
}

process.stdout.write(
  `full grid: ${fullMean.size} points x ${classesPerPoint} classes = ${rows.length} trials; best class-mean ${METRIC} ${best.toFixed(4)}; ` +
    `${good.size} point(s) within ${TOL}; the grid in expansion order measures one completely after ${gridReach} trials\n`,
);
for (const mode of ['async', 'sync'] as const) {
  const t0 = performance.now();
  const runs = SEEDS.map((s) => replay(s, mode));
  const ms = performance.now() - t0;
  const reached = runs.filter((r) => r.reach !== null).map((r) => r.reach as number);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(
    `halving eta ${ETA} ${mode === 'async' ? 'ASHA (async, ' + WORKERS + ' workers)' : 'sync'}: reached in ${reached.length}/${SEEDS.length} seeds; ` +
      `trials to reach: ${runs.map((r) => r.reach ?? '-').join(', ')} (mean ${reached.length ? mean(reached).toFixed(0) : '-'}, ` +
      `${reached.length ? (mean(reached) / rows.length).toFixed(2) : '-'}x the full grid); trials in all: ${runs.map((r) => r.total).join(', ')} ` +
      `(${(mean(runs.map((r) => r.total)) / rows.length).toFixed(2)}x); winner's gap to the best: ${runs.map((r) => r.winnerGap.toFixed(4)).join(', ')}; ` +
      `replay ${(ms / SEEDS.length).toFixed(0)} ms/seed\n`,
  );
}
