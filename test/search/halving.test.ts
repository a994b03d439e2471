/**
 * Halving in the store: rung 0 is what submit writes, promotions follow the policy (checked against an
 * independent computation for sync halving), every promotion happens exactly once: across a close and
 * reopen mid-sweep, after a result recorded without its promotion (a crash between the two), and under
 * many completions in one group-commit batch.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/version.js';
import { forkTs } from '../../shared/spawn.js';
import { GroupCommit } from '../../coordinator/store/group-commit.js';
import { finishStatements } from '../../coordinator/store/lease-finish.js';
import { PendingGroups } from '../../coordinator/store/pending-groups.js';
import { trialTransitions } from '../../coordinator/store/transitions.js';
import { StoreReads } from '../../coordinator/store/reads/index.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { resumeSweep } from '../../coordinator/store/resume.js';
import type { TrialParams } from '../../shared/trial.js';
import { halvingYaml, openDriver, resultFor, runTrials, scoreOf, snapshot, submitYaml, tempDbPath } from './drive.js';

const SYNC = '{kind: halving, eta: 3, mode: sync, seed: 4}';
const ASYNC = '{kind: halving, eta: 3, seed: 4}';

describe('halving search', () => {
  it('submits rung 0 only, then promotes the top 1/eta of each rung (sync): 18 points -> 6 -> 2 over 1, 3, 9 classes', () => {
    const path = tempDbPath();
    submitYaml(path, halvingYaml(SYNC));
    const d = openDriver(path);
    expect(d.db.prepare('SELECT count(*) FROM trials').pluck().get()).toBe(18);
    const ran = runTrials(d);
    // 18 x 1 class + 6 x 2 more + 2 x 6 more = 42 trials (the full grid is 162)
    expect(ran).toBe(18 + 12 + 12);
    // independent check: the class order is the same for every point; rank points by their mean over the first b classes
    const params = (d.db.prepare('SELECT params_json FROM trials').pluck().all() as string[]).map(
      (j) => JSON.parse(j) as TrialParams,
    );
    const order = JSON.parse(
      d.db.prepare('SELECT classes_json FROM search_points LIMIT 1').pluck().get() as string,
    ) as string[];
    const points = new Map<string, TrialParams>();
    for (const p of params) points.set(`${p.sigma}/${p.cov_reg}`, p);
    const meanOver = (p: TrialParams, n: number): number =>
      order.slice(0, n).reduce((a, c) => a + scoreOf({ ...p, class: c }), 0) / n;
    const top = (ps: TrialParams[], n: number, k: number): TrialParams[] =>
      [...ps].sort((a, b) => meanOver(b, n) - meanOver(a, n)).slice(0, k);
    const r1 = top([...points.values()], 1, 6);
    const r2 = top(r1, 3, 2);
    const classesOf = (p: TrialParams): number =>
      params.filter((q) => q.sigma === p.sigma && q.cov_reg === p.cov_reg).length;
    for (const p of points.values()) {
      const expected = r2.includes(p) ? 9 : r1.includes(p) ? 3 : 1;
      expect(classesOf(p), `point sigma ${p.sigma} cov_reg ${p.cov_reg}`).toBe(expected);
    }
    expect(d.db.prepare('SELECT rung, count(*) FROM promotions GROUP BY rung ORDER BY rung').raw().all()).toEqual([
      [1, 6],
      [2, 2],
    ]);
    // the leaderboard (and its JSON) shows each point's rung; the rung-2 points rank first
    const lb = buildLeaderboard(new StoreReads(d.db), { sweep: 'h', metric: 'image_auroc', mode: 'mean', top: 20 });
    // the dashboard's reader (in-memory index) reads a halving sweep with SQL: the same board
    expect(
      buildLeaderboard(new StoreReads(d.db, false, true), { sweep: 'h', metric: 'image_auroc', mode: 'mean', top: 20 }),
    ).toEqual(lb);
    expect(lb.points.map((p) => p.rung)).toEqual([2, 2, 1, 1, 1, 1, ...Array<number>(12).fill(0)]);
    expect((JSON.parse(JSON.stringify(lb)) as typeof lb).points[0].rung).toBe(2);
    expect(lb.points[0].classes).toBe(9);
    d.close();
    // and so does `wepadim leaderboard --json`
    const r = spawnSync(
      process.execPath,
      [join(repoRoot(), 'bin', 'wepadim.js'), 'leaderboard', 'h', '--db', path, '--json', '--top', '20'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { points: { rung: number; classes: number }[] };
    expect(json.points.map((p) => [p.rung, p.classes])).toEqual([
      [2, 9],
      [2, 9],
      ...Array<number[]>(4).fill([1, 3]),
      ...Array<number[]>(12).fill([0, 1]),
    ]);
  });

  it('ASHA promotes as results arrive, and a close/reopen mid-sweep changes nothing', () => {
    const straight = tempDbPath();
    submitYaml(straight, halvingYaml(ASYNC));
    const a = openDriver(straight);
    const total = runTrials(a);
    const want = snapshot(a.db);
    a.close();
    expect(want.promotions.length).toBeGreaterThan(6);

    const interrupted = tempDbPath();
    submitYaml(interrupted, halvingYaml(ASYNC));
    let ran = 0;
    for (const chunk of [5, 7, 11, 13]) {
      const d = openDriver(interrupted); // every open reconciles: it must not promote anything twice
      ran += runTrials(d, chunk);
      d.close();
    }
    const d = openDriver(interrupted);
    ran += runTrials(d);
    expect(ran).toBe(total);
    expect(snapshot(d.db)).toEqual(want);
    d.close();
  });

  it('a coordinator killed (SIGKILL) in the middle of completions loses nothing and promotes nothing twice', async () => {
    const straight = tempDbPath();
    submitYaml(straight, halvingYaml(ASYNC));
    const a = openDriver(straight);
    const total = runTrials(a);
    const want = snapshot(a.db);
    a.close();

    const path = tempDbPath();
    submitYaml(path, halvingYaml(ASYNC));
    const child = forkTs(new URL('./halving-child.ts', import.meta.url).pathname, [path, '20'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, sig) => res(sig)));
    try {
      await new Promise<void>((res, rej) => {
        child.once('message', () => res());
        child.once('exit', (code) => rej(new Error(`child exited early with ${code}`)));
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const d = openDriver(path);
    expect(d.db.prepare(`SELECT count(*) FROM trials WHERE status = 'done'`).pluck().get()).toBe(20); // the open transaction's 3 are gone
    expect(runTrials(d)).toBe(total - 20);
    expect(snapshot(d.db)).toEqual(want);
    d.close();
  });

  it('a result recorded without its promotion (a crash between the two) is promoted once when the store reopens', () => {
    const path = tempDbPath();
    submitYaml(path, halvingYaml(SYNC));
    const d = openDriver(path);
    runTrials(d, 17); // one rung-0 trial left: no promotion yet (sync)
    expect(d.db.prepare('SELECT count(*) FROM promotions').pluck().get()).toBe(0);
    // complete the last one through finish statements that do not promote: the result is in, its promotions are not
    const g = d.leases.acquire('w', 1, [], 2_000, 60_000);
    if (!g) throw new Error('no trial left');
    const bare = finishStatements(d.db, new PendingGroups(d.db), undefined, trialTransitions(d.db));
    d.db.transaction(() =>
      bare.complete(
        'w',
        { leaseId: g.trials[0].leaseId, fencingToken: g.trials[0].fencingToken, result: resultFor(g.trials[0]) },
        2_000,
      ),
    )();
    expect(d.db.prepare(`SELECT count(*) FROM trials WHERE status = 'pending'`).pluck().get()).toBe(0);
    d.close();
    const again = openDriver(path); // reconcile: the 6 promotions, 12 new trials
    expect(again.db.prepare('SELECT count(*) FROM promotions').pluck().get()).toBe(6);
    expect(again.db.prepare(`SELECT count(*) FROM trials WHERE status = 'pending'`).pluck().get()).toBe(12);
    again.close();
    const third = openDriver(path); // and nothing more on the next open
    expect(third.db.prepare('SELECT count(*) FROM promotions').pluck().get()).toBe(6);
    expect(third.db.prepare('SELECT count(*) FROM trials').pluck().get()).toBe(30);
    expect(runTrials(third)).toBe(12 + 12);
    third.close();
  });

  it('many completions in one group-commit batch promote each point exactly once', async () => {
    const path = tempDbPath();
    submitYaml(path, halvingYaml(ASYNC));
    const d = openDriver(path);
    const commit = new GroupCommit(d.db);
    for (;;) {
      // lease everything pending to several workers, then complete it all concurrently
      const granted = [];
      for (let w = 0; ; w++) {
        const g = d.leases.acquire(`w${w % 4}`, 3, [], 3_000, 60_000);
        if (!g) break;
        granted.push(...g.trials.map((t) => ({ t, worker: `w${w % 4}` })));
      }
      if (granted.length === 0) break;
      await Promise.all(
        granted.map(({ t, worker }) =>
          commit.run(() =>
            d.leases.complete(
              worker,
              [{ leaseId: t.leaseId, fencingToken: t.fencingToken, result: resultFor(t) }],
              3_000,
            ),
          ),
        ),
      );
    }
    const dup = d.db
      .prepare('SELECT count(*) FROM (SELECT point_id, rung FROM promotions GROUP BY 1, 2 HAVING count(*) > 1)')
      .pluck()
      .get();
    expect(dup).toBe(0);
    // every point has exactly the classes of its rung: 1, 3 or 9
    const perPoint = d.db
      .prepare(
        'SELECT p.rung, count(t.id) AS n FROM search_points p JOIN trials t ON t.search_point = p.id GROUP BY p.id',
      )
      .all() as { rung: number; n: number }[];
    for (const r of perPoint) expect(r.n).toBe([1, 3, 9][r.rung]);
    expect(perPoint.filter((r) => r.rung > 0).length).toBe(
      d.db.prepare('SELECT count(*) FROM promotions WHERE rung = 1').pluck().get(),
    );
    expect(d.db.prepare(`SELECT count(*) FROM trials WHERE status != 'done'`).pluck().get()).toBe(0);
    d.close();
  });
});

describe('halving after resume', () => {
  it('a point whose rung-0 trial failed for good and was re-run by resume is promoted on its new result', () => {
    const path = tempDbPath();
    submitYaml(path, halvingYaml(SYNC));
    const d = openDriver(path);
    // the best point (sigma 4, cov_reg 0.001) fails for good at rung 0; every other point completes
    const best = d.db
      .prepare(
        `SELECT id FROM trials WHERE json_extract(params_json, '$.sigma') = 4 AND json_extract(params_json, '$.cov_reg') = 0.001`,
      )
      .pluck()
      .get() as number;
    for (;;) {
      const g = d.leases.acquire('w', 1, [], 1_000, 60_000);
      if (!g) break;
      const t = g.trials[0];
      if (t.trialId === best)
        d.leases.fail(
          'w',
          [{ leaseId: t.leaseId, fencingToken: t.fencingToken, error: 'boom', retryable: false }],
          1_000,
        );
      else d.leases.complete('w', [{ leaseId: t.leaseId, fencingToken: t.fencingToken, result: resultFor(t) }], 1_000);
      if (d.db.prepare('SELECT count(*) FROM promotions').pluck().get() !== 0) break; // rung 0 settled
    }
    const promotedBefore = d.db.prepare('SELECT count(*) FROM promotions WHERE rung = 1').pluck().get();
    expect(promotedBefore).toBe(6);
    const pointOf = d.db.prepare('SELECT search_point FROM trials WHERE id = ?').pluck().get(best) as number;
    expect(d.db.prepare('SELECT count(*) FROM promotions WHERE point_id = ?').pluck().get(pointOf)).toBe(0);
    expect(resumeSweep(d.db, 1, { now: 2_000 }).requeued).toBe(1);
    // run the re-queued trial (and whatever rung 1 holds): the re-run point is the best, so it moves up once
    runTrials(d, Infinity, 3_000);
    expect(d.db.prepare('SELECT rung FROM promotions WHERE point_id = ? ORDER BY rung').pluck().all(pointOf)).toEqual([
      1, 2,
    ]);
    expect(d.db.prepare('SELECT count(*) FROM promotions WHERE rung = 1').pluck().get()).toBe(7);
    expect(d.db.prepare('SELECT score FROM rung_scores WHERE point_id = ? AND rung = 0').pluck().get(pointOf)).not.toBe(
      null,
    );
    d.close();
  });
});
