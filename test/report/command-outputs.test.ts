/**
 * Reports of a command sweep (halving over steps, results recorded through the real lease store): the
 * leaderboard has one row per point with its rung, scored at its highest rung; `export` writes the sweep's
 * own parameters and metrics and refuses the WE-PaDiM tables; `best` writes a command sweep file that
 * expands to exactly the winners, each at the budget it reached, and refuses --per-class.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { buildBestSweep } from '../../coordinator/report/best-yaml.js';
import { buildExport } from '../../coordinator/report/export.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { leaderboardText } from '../../coordinator/report/leaderboard-view.js';
import { StoreReads } from '../../coordinator/store/reads/index.js';
import type { CommandSpec } from '../../shared/command.js';
import { openDriver, submitYaml, tempDbPath } from '../search/drive.js';

const YAML = `name: cmdh
objective: command
command: [node, t.mjs, --lr, "{lr}", --opt, "{opt}", --steps, "{budget}"]
cwd: /tmp
search: {kind: halving, budget: steps, min_budget: 1, max_budget: 9, eta: 3, metric: loss, mode: sync}
params:
  lr: {type: float, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}
  opt: {type: choice, values: [a, b]}
`;

/** The "program": a loss that depends on the point and falls with the step budget. */
const lossOf = (lr: number, opt: string, steps: number): number =>
  Math.abs(lr - 0.32) + (opt === 'b' ? 0.013 : 0) + 1 / steps;

function runSweep(): StoreReads {
  const path = tempDbPath();
  submitYaml(path, YAML);
  const d = openDriver(path);
  for (;;) {
    const g = d.leases.acquire('w', 1, [], 1_000, 60_000);
    if (!g) break;
    const t = g.trials[0];
    const cmd = (JSON.parse(t.paramsJson) as { command: CommandSpec }).command;
    const loss = lossOf(cmd.params.lr as number, cmd.params.opt as string, cmd.budget as number);
    const result = {
      metrics: { loss, steps: cmd.budget as number },
      artifacts: [],
      provenance: {
        code_version: 't',
        backend: 'command',
        device: 'cpu',
        weights: 'none',
        dataset_root: '/tmp',
        class: 'command',
      },
    };
    d.leases.complete('w', [{ leaseId: t.leaseId, fencingToken: t.fencingToken, result }], 1_000);
  }
  return new StoreReads(d.db);
}

describe('reports of a command sweep', () => {
  const reads = runSweep();
  // independently: rung 0 ranks 12 points at 1 step, the best 4 run 3 steps, the best of those 9 steps
  const pts = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].flatMap((lr) => ['a', 'b'].map((opt) => ({ lr, opt })));
  const best = (ps: typeof pts, steps: number, k: number) =>
    [...ps].sort((x, y) => lossOf(x.lr, x.opt, steps) - lossOf(y.lr, y.opt, steps)).slice(0, k);
  const r1 = best(pts, 1, 4);
  const r2 = best(r1, 3, 1);

  it('the leaderboard shows one row per point with its rung, scored at its highest rung', () => {
    const lb = buildLeaderboard(reads, { sweep: 'cmdh', metric: 'loss', mode: 'mean', top: 20 });
    expect(lb.order).toBe('asc');
    expect(lb.totalPoints).toBe(12);
    expect(lb.points.map((p) => p.rung)).toEqual([2, 1, 1, 1, ...Array<number>(8).fill(0)]);
    const top = lb.points[0].params.command as CommandSpec;
    expect(top.params).toEqual({ lr: r2[0].lr, opt: r2[0].opt });
    expect(lb.points[0].mean).toBe(lossOf(r2[0].lr, r2[0].opt, 9));
    expect(lb.points[1].mean).toBe(lossOf(r1[1].lr, r1[1].opt, 3));
  });

  it('export writes the sweep parameters and metrics, and refuses the WE-PaDiM tables', () => {
    const ranked = buildExport(reads, { sweep: 'cmdh', table: 'ranked', metric: 'loss' });
    expect(ranked.columns).toEqual(['rank', 'lr', 'opt', 'rung', 'loss', 'steps']);
    expect(ranked.rows[0]).toEqual({
      rank: 1,
      lr: r2[0].lr,
      opt: r2[0].opt,
      rung: 2,
      loss: lossOf(r2[0].lr, r2[0].opt, 9),
      steps: 9,
    });
    expect(ranked.rows).toHaveLength(12);
    expect(ranked.rows[11].steps).toBe(1);
    const trials = buildExport(reads, { sweep: 'cmdh', table: 'trials' });
    expect(trials.columns).toEqual(['trial', 'status', 'attempts', 'rung', 'lr', 'opt', 'budget', 'loss', 'steps']);
    expect(trials.rows).toHaveLength(12 + 4 + 1);
    for (const r of trials.rows) {
      expect(r.budget).toBe([1, 3, 9][r.rung as number]);
      expect(r.loss).toBe(lossOf(r.lr as number, r.opt as string, r.budget as number));
    }
    for (const table of ['long', 'per-class', 'models'] as const)
      expect(() => buildExport(reads, { sweep: 'cmdh', table, metric: 'loss' })).toThrow(
        `export --table ${table} is a WE-PaDiM table (backbone, wavelet, sigma, classes); sweep cmdh is a command sweep: use --table ranked or --table trials`,
      );
  });

  it('best writes a command sweep of exactly the winners at the budgets they reached, and refuses --per-class', () => {
    const out = buildBestSweep(reads, { sweep: 'cmdh', metric: 'loss', perClass: false, top: 3 });
    expect(out.yaml).toContain('objective: command');
    expect(out.yaml).not.toMatch(/backbone|wavelet|sigma/);
    const back = expandSweepText(out.yaml, join(tmpdir(), 'best.yaml'));
    const got = back.trials.map((t) => t.params.command?.params);
    const lb = buildLeaderboard(reads, { sweep: 'cmdh', metric: 'loss', mode: 'mean', top: 3 });
    const want = lb.points.map((p, i) => ({
      ...(p.params.command as CommandSpec).params,
      budget: [9, 3, 3][i],
    }));
    expect(got).toHaveLength(3);
    expect(got).toEqual(expect.arrayContaining(want));
    expect(back.trials[0].params.command?.argv).toEqual([
      'node',
      't.mjs',
      '--lr',
      '{lr}',
      '--opt',
      '{opt}',
      '--steps',
      '{budget}',
    ]);
    expect(back.search.kind).toBe('grid');
    const one = buildBestSweep(reads, { sweep: 'cmdh', metric: 'loss', perClass: false, top: 1 });
    expect(one.yaml).not.toContain('exclude');
    expect(expandSweepText(one.yaml, join(tmpdir(), 'one.yaml')).trials).toHaveLength(1);
    expect(() => buildBestSweep(reads, { sweep: 'cmdh', metric: 'loss', perClass: true })).toThrow(
      '--per-class: sweep cmdh is a command sweep, which has no classes to pick winners in',
    );
  });
});

describe('leaderboard text of a command sweep', () => {
  it('shows each point rung and its free parameters, and marginal means per free parameter', () => {
    const lb = buildLeaderboard(runSweep(), { sweep: 'cmdh', metric: 'loss', mode: 'mean', top: 3 });
    const text = leaderboardText(lb, 4);
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('rank'));
    expect(lines[head].split(/\s+/)).toEqual(['rank', 'rung', 'loss', 'classes', 'command']);
    expect(lines[head + 2].split(/\s+/).filter(Boolean)).toEqual(['1', '2', '0.1311', '1/1', 'lr=0.3', 'opt=a']);
    expect(lines[head + 3].split(/\s+/).filter(Boolean).slice(0, 2)).toEqual(['2', '1']);
    expect(new Set(lb.marginals.map((m) => m.param))).toEqual(new Set(['lr', 'opt']));
    const a = lb.marginals.find((m) => m.param === 'opt' && m.value === 'a');
    const ptsA = lb.totalPoints / 2;
    expect(a?.points).toBe(ptsA);
  });
});
