/**
 * Searches over a command sweep, end to end through `wepadim submit`, a coordinator and a worker as processes
 * over gRPC, running examples/command-sweep/train.mjs. random: n distinct points, extended without repeats.
 * halving (examples/command-sweep/halving.yaml, budget: steps): the program gets each rung's {budget}, the
 * top 1/eta move up exactly once through two kill -9s of the coordinator, and the leaderboard shows rungs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import {
  Cluster,
  duplicates,
  freePort,
  settled,
  startCoordinatorChild,
  startWorkerChild,
  waitForState,
  WEPADIM,
} from './harness.js';
import { expectedLoss } from './train-loss.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cmdsearch-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});
const EXAMPLES = resolve('examples/command-sweep');

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [WEPADIM, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

function worker(port: number, name: string) {
  return startWorkerChild(
    cluster,
    {
      address: `127.0.0.1:${port}`,
      spoolDir: join(dir, `spool-${name}`),
      idleExitS: 20,
      concurrency: 1,
      groupSize: 1,
      artifactsDir: join(dir, `art-${name}`),
      workerId: name,
    },
    name,
  );
}

interface Row {
  key: string;
  rung: number | null;
  cmd: { params: { lr: number; opt: string; epochs?: number }; budget?: number };
  loss: number | null;
}

function rows(db: string): Row[] {
  const r = openDatabase(db, { readonly: true });
  try {
    return (
      r
        .prepare(
          `SELECT t.key, t.rung, json_extract(t.params_json, '$.command') AS cmd, m.value AS loss FROM trials t
           LEFT JOIN metrics m ON m.trial_id = t.id AND m.final = 1 AND m.name = 'loss' ORDER BY t.id`,
        )
        .all() as { key: string; rung: number | null; cmd: string; loss: number | null }[]
    ).map((x) => ({ ...x, cmd: JSON.parse(x.cmd) as Row['cmd'] }));
  } finally {
    r.close();
  }
}

describe('command sweep searches through coordinator, gRPC and a worker', () => {
  it('random: n distinct points, and a larger n adds only new ones', async () => {
    const db = join(dir, 'random.db');
    const yaml = (n: number): string => {
      const f = join(dir, `random-${n}.yaml`);
      writeFileSync(
        f,
        `extends: ${join(EXAMPLES, 'sweep.yaml')}\ncwd: ${EXAMPLES}\nname: cmd-random\nsearch: {kind: random, n: ${n}, seed: 5}\n` +
          'params:\n  step_ms: {type: int, values: 0}\n',
      );
      return f;
    };
    expect(cli('submit', yaml(4), '--db', db)).toMatch(/added 4 trial\(s\), 0 already stored/);
    const first = rows(db).map((r) => r.key);
    expect(cli('submit', yaml(7), '--db', db)).toMatch(/added 3 trial\(s\), 4 already stored/);
    const port = await freePort();
    await startCoordinatorChild(cluster, db, port, 4000);
    const w = worker(port, 'rnd');
    const s = await waitForState(db, settled, 240_000);
    expect(s.byStatus, cluster.tail(w)).toEqual({ done: 7 });
    const got = rows(db);
    expect(got.slice(0, 4).map((r) => r.key)).toEqual(first);
    const points = got.map((r) => JSON.stringify(r.cmd.params));
    expect(new Set(points).size).toBe(7);
    for (const r of got) {
      const p = r.cmd.params;
      expect(r.loss, JSON.stringify(p)).toBe(expectedLoss(p.lr, p.epochs as number, p.opt));
      expect(p.opt === 'momentum' && p.lr === 0.3).toBe(false); // the example's exclude rule holds for samples too
    }
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
  }, 300_000);

  it('halving over steps: rungs of 1, 3, 9 epochs, the top third promoted exactly once across coordinator kills', async () => {
    const db = join(dir, 'halving.db');
    cli('submit', join(EXAMPLES, 'halving.yaml'), '--db', db);
    const port = await freePort();
    let coordinator = await startCoordinatorChild(cluster, db, port, 4000);
    const w = worker(port, 'hv');
    const promotions = (): number => {
      const r = openDatabase(db, { readonly: true });
      try {
        return r.prepare('SELECT count(*) FROM promotions').pluck().get() as number;
      } finally {
        r.close();
      }
    };
    // kill -9 the coordinator mid rung 0, and again once rung 1's promotions are in; each restart reconciles
    await waitForState(db, (x) => (x.byStatus.done ?? 0) >= 4, 120_000, 100);
    await cluster.kill9(coordinator);
    coordinator = await startCoordinatorChild(cluster, db, port, 4000);
    await waitForState(db, () => promotions() > 0, 120_000, 100);
    await cluster.kill9(coordinator);
    coordinator = await startCoordinatorChild(cluster, db, port, 4000);
    const s = await waitForState(db, (x) => settled(x) && promotions() === 5, 240_000);
    expect(s.byStatus, cluster.tail(w)).toEqual({ done: 12 + 4 + 1 });
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });

    // the program ran each rung with its budget: 1, 3, 9 epochs, and reported the loss of that many epochs
    const got = rows(db);
    for (const r of got) {
      expect(r.cmd.budget).toBe([1, 3, 9][r.rung as number]);
      expect(r.loss).toBe(expectedLoss(r.cmd.params.lr, r.cmd.budget as number, r.cmd.params.opt));
    }
    // the promotions are the top third by loss, computed independently
    const id = (p: Row['cmd']['params']): string => `${p.opt}/${p.lr}`;
    const at = (rung: number): string[] => got.filter((r) => r.rung === rung).map((r) => id(r.cmd.params));
    const best = (ps: Row['cmd']['params'][], epochs: number, k: number): string[] =>
      [...ps]
        .sort((a, b) => expectedLoss(a.lr, epochs, a.opt) - expectedLoss(b.lr, epochs, b.opt))
        .slice(0, k)
        .map(id);
    const rung0 = got.filter((r) => r.rung === 0).map((r) => r.cmd.params);
    expect(rung0).toHaveLength(12);
    expect(at(1).sort()).toEqual(best(rung0, 1, 4).sort());
    const rung1 = got.filter((r) => r.rung === 1).map((r) => r.cmd.params);
    expect(at(2)).toEqual(best(rung1, 3, 1));
    const r = openDatabase(db, { readonly: true });
    expect(r.prepare('SELECT rung, count(*) FROM promotions GROUP BY rung ORDER BY rung').raw().all()).toEqual([
      [1, 4],
      [2, 1],
    ]);
    r.close();

    // one leaderboard row per point (a promotion is the same point), ranked by rung, scored at its highest rung
    const lb = JSON.parse(
      cli('leaderboard', 'command-halving-example', '--db', db, '--json', '--top', '20'), // metric: the search's (loss),
    ) as {
      order: string;
      points: { rung: number; mean: number; params: { command: { params: { lr: number; opt: string } } } }[];
    };
    expect(lb.points.map((p) => p.rung)).toEqual([2, 1, 1, 1, ...Array<number>(8).fill(0)]);
    const top = lb.points[0];
    expect(id(top.params.command.params)).toBe(at(2)[0]);
    expect(top.mean).toBe(expectedLoss(top.params.command.params.lr, 9, top.params.command.params.opt));
    expect(lb.order).toBe('asc');
    const text = cli('leaderboard', 'command-halving-example', '--db', db, '--metric', 'loss', '--top', '5');
    expect(
      text
        .split('\n')
        .find((l) => l.startsWith('rank'))
        ?.split(/\s+/),
    ).toEqual(['rank', 'rung', 'loss', 'classes', 'command']);
    // export and best write the sweep's own parameters: lr, opt, step_ms, and the winner at 9 epochs
    const csv = cli('export', 'command-halving-example', '--db', db, '--table', 'ranked').split('\n');
    expect(csv[0].split(',').slice(0, 6)).toEqual(['rank', 'lr', 'opt', 'step_ms', 'rung', 'loss']);
    const bestFile = join(dir, 'best.yaml');
    cli('best', 'command-halving-example', '--db', db, '--out', bestFile);
    const again = cli('grid', 'expand', bestFile, '--json');
    expect(again).toMatch(/"budget": ?9/);
    await cluster.kill9(coordinator);
  }, 480_000);
});
