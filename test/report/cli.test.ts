/** The CLI commands end to end, as a user runs them (child processes; kept to a few calls). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { openDatabase } from '../../coordinator/store/index.js';
import { trialKey } from '../../shared/trial.js';
import { runCli, type CliResult } from '../cli/helpers.js';
import { seedResults } from '../store/seed.js';
import { expectedBestPerClass, expectedRanking } from './expected.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'runs', 'w.db');

/** The CLI against this test's database (a child process, bounded only by the test timeout). */
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { env: { WEPADIM_DB: db } });

const sweepText = (sigmas: string): string =>
  `name: cli\ngrid:\n  dataset: {kind: mvtec, root: /data/mvtec, classes: [bottle, cable]}\n  wavelet: [haar, db4]\n  sigma: [${sigmas}]\n`;

describe('wepadim submit / leaderboard / best / export', () => {
  it('submits, extends, ranks, and writes a best file', async () => {
    const file = join(dir, 'cli.yaml');
    writeFileSync(file, sweepText('2'));
    const first = await cli('submit', file, '--json', '--no-preflight');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ sweep: 'cli', added: 4, existing: 0, total: 4, created: true });
    writeFileSync(file, sweepText('2, 4'));
    const dry = await cli('submit', file, '--dry-run', '--no-preflight');
    expect(dry.out).toMatch(/would add 4 trial\(s\), 4 already stored, 8 in total/);

    const second = await cli('submit', file, '--json', '--no-preflight');
    expect(JSON.parse(second.out)).toMatchObject({ added: 4, existing: 4, total: 8, sourceChanged: true });
    const h = openDatabase(db);
    const seeded = seedResults(h, 1, ['image_auroc', 'pixel_auroc'], 77);
    h.close();

    // trial ids follow submission order (sigma 2 first, then the extension), which decides ties
    const idOf = new Map(seeded.map((t) => [trialKey(t.params), t.id]));
    const specs = expandSweepText(sweepText('2, 4'), file).trials.sort((a, b) => idOf.get(a.key)! - idOf.get(b.key)!);
    const lb = await cli('leaderboard', 'cli', '--json', '--top', '2');
    expect(lb.code).toBe(0);
    const got = JSON.parse(lb.out) as { points: { params: unknown; mean: number; point: unknown }[] };
    // `point` is an object in the JSON, not a JSON string inside it
    expect(got.points[0].point).toEqual(JSON.parse(JSON.stringify(got.points[0].params)));
    const exp = expectedRanking(specs, seeded, 'image_auroc');
    expect(got.points.map((p) => p.params)).toEqual(exp.slice(0, 2).map((e) => e.point));

    const human = await cli('leaderboard', 'cli', '--per-class');
    const best = expectedBestPerClass(seeded, 'image_auroc');
    expect(human.out).toMatch(new RegExp(`bottle\\s+1\\s+${best.get('bottle')!.metrics.image_auroc.toFixed(4)}`));

    const out = join(dir, 'best.yaml');
    expect((await cli('best', 'cli', '--per-class', '--out', out)).code).toBe(0);
    const keys = expandSweepText(readFileSync(out, 'utf8'), out)
      .trials.map((t) => t.key)
      .sort();
    expect(keys).toEqual([...best.values()].map((t) => trialKey(t.params)).sort());

    const csv = (await cli('export', 'cli', '--table', 'long')).out.trim().split('\n');
    expect(csv[0]).toBe('model,wavelet_type,wavelet_level,wavelet_kept_subbands,sigma,cov_reg,metric,value,time');
    expect(csv).toHaveLength(1 + 8);
  }, 600_000);

  it('bad input exits with code 2 and a clear message', async () => {
    const r = await cli('leaderboard', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no sweep named "nope"; known sweeps: cli/);
    const w = await cli('export', 'cli', '--where', 'sigma=x');
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/sigma takes numbers/);
    // --json with another --format is a contradiction, not a silent JSON
    const both = await cli('export', 'cli', '--json', '--format', 'latex');
    expect([both.code, both.out]).toEqual([2, '']);
    expect(both.err).toMatch(/--json and --format latex disagree/);
  }, 600_000);

  it('says so when a copied config in another folder resolves its relative root elsewhere', async () => {
    const text = (name: string) =>
      `name: ${name}\ngrid:\n  dataset: {kind: mvtec, root: ../data/mvtec, classes: [bottle]}\n  sigma: [2, 4]\n`;
    const firstDir = join(dir, 'first', 'configs');
    const copyDir = join(dir, 'copy', 'configs');
    mkdirSync(firstDir, { recursive: true });
    mkdirSync(copyDir, { recursive: true });
    writeFileSync(join(firstDir, 'moved.yaml'), text('moved'));
    writeFileSync(join(copyDir, 'moved.yaml'), text('moved'));
    expect((await cli('submit', join(firstDir, 'moved.yaml'), '--no-preflight')).code).toBe(0);
    const again = await cli('submit', join(copyDir, 'moved.yaml'), '--no-preflight', '--dry-run');
    expect(again.code).toBe(0);
    const [was, now] = [join(dir, 'first', 'data', 'mvtec'), join(dir, 'copy', 'data', 'mvtec')];
    expect(again.out).toContain(
      `0 existing: dataset root differs from sweep moved's (${now} vs stored ${was}); 2 trial(s)`,
    );
    const json = JSON.parse(
      (await cli('submit', join(copyDir, 'moved.yaml'), '--no-preflight', '--dry-run', '--json')).out,
    ) as {
      rootMoves: unknown;
    };
    expect(json.rootMoves).toEqual([{ stored: was, submitted: now, trials: 2 }]);
    // the first folder again: everything is stored, nothing to say
    const same = await cli('submit', join(firstDir, 'moved.yaml'), '--no-preflight');
    expect(same.out).toMatch(/added 0 trial\(s\), 2 already stored/);
    expect(same.out).not.toMatch(/root differs/);
  }, 600_000);
});
