/**
 * End to end: a real (tiny) sweep through `wepadim run`'s orchestration: synthetic data generation, the
 * store, the gRPC coordinator, worker processes and the engine. Checks that the stored AUROCs equal a direct
 * engine call on the same inputs, that a rerun from a warm feature cache gives identical numbers, that the
 * leaderboard is made of those results, and that the CLI works.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { openReads } from '../../coordinator/store/reads/open.js';
import { createLogger } from '../../shared/log.js';
import { METRIC } from '../../shared/result.js';
import type { TrialParams } from '../../shared/trial.js';
import { repoRoot } from '../../shared/version.js';
import { holdoutSplit } from '../../worker/runner/holdout.js';
import { buildRunReport } from '../../local/summary.js';
import { runLocalSweep, type LocalRunSummary } from '../../local/run-local.js';
import { loadDefaultPorts } from '../../worker/runner/default-ports.js';
import { selectionNames } from '../../worker/runner/trial-result.js';

const pexec = promisify(execFile);
const quiet = createLogger({}, { write: () => undefined });
let work = '';
let file = '';

const SWEEP = `name: e2e-tiny
retries: 1
grid:
  dataset:
    kind: folder
    root: data
    classes: all
    synthetic: {classes: [weave, disc], train: 8, test: 6, size: 256, seed: 5}
  backbone: resnet18
  weights: random:0
  wavelet: [haar]
  level: [1]
  subbands: [[LL, LH, HL]]
  sigma: [2.0, 4.0]
  cov_reg: [0.01]
  selection: {holdout: 0.5, seed: 7}
`;

interface Row {
  key: string;
  class: string;
  params: TrialParams;
  metrics: Record<string, number>;
}

function storedResults(dbPath: string): Row[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const trials = db
      .prepare("SELECT id, key, class, params_json FROM trials WHERE status = 'done' ORDER BY id")
      .all() as { id: number; key: string; class: string; params_json: string }[];
    return trials.map((t) => {
      const ms = db.prepare('SELECT name, value FROM metrics WHERE trial_id = ? AND final = 1').all(t.id) as {
        name: string;
        value: number;
      }[];
      return {
        key: t.key,
        class: t.class,
        params: JSON.parse(t.params_json) as TrialParams,
        metrics: Object.fromEntries(ms.map((m) => [m.name, m.value])),
      };
    });
  } finally {
    db.close();
  }
}

const run = (runsDir: string, fresh = false): Promise<LocalRunSummary> =>
  runLocalSweep({
    file,
    runsDir,
    workers: 1,
    backend: 'onnx',
    fresh,
    signal: new AbortController().signal,
    log: quiet,
    stream: process.stderr,
    pollMs: 200,
  });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wepadim-e2e-'));
  file = join(work, 'tiny.yaml');
  writeFileSync(file, SWEEP);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('wepadim run, end to end', () => {
  let first: LocalRunSummary;
  let rows: Row[];

  it('runs the sweep through coordinator, gRPC, a worker process and the engine', async () => {
    first = await run(join(work, 'runs'));
    expect(first.workerFailures).toEqual([]);
    expect(first.counts).toMatchObject({ done: 4, failed: 0, pending: 0 });
    expect(first.generated).toEqual([join(work, 'data')]);
    rows = storedResults(first.dbPath);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.metrics[METRIC.imageAuroc]).toBeGreaterThanOrEqual(0);
      expect(r.metrics[METRIC.repImageAuroc]).toBeGreaterThanOrEqual(0);
      const dir = join(first.artifactsDir, r.key);
      expect(
        (JSON.parse(readFileSync(join(dir, 'trial.json'), 'utf8')) as { metrics: Record<string, number> }).metrics[
          METRIC.imageAuroc
        ],
      ).toBe(r.metrics[METRIC.imageAuroc]);
    }
    // one class-best per class (per lease) gets anomaly-map PNGs
    const pngs = rows.flatMap((r) => readdirSync(join(first.artifactsDir, r.key)).filter((n) => n.endsWith('.png')));
    expect(pngs.length).toBeGreaterThanOrEqual(2 * 4);
  }, 300_000);

  it('stores the AUROCs that a direct engine call gives on the same inputs', async () => {
    const ports = await loadDefaultPorts();
    const ex = await ports.models.createFeatureExtractor({
      backbone: 'resnet18',
      weights: 'random:0',
      backend: 'onnx',
      threads: 1,
    });
    try {
      for (const cls of ['weave', 'disc']) {
        const mine = rows.filter((r) => r.class === cls);
        const listing = await ports.data.listClass('folder', join(work, 'data'), cls);
        const tr = await ports.data.loadBatch(listing.train);
        const te = await ports.data.loadBatch(listing.test);
        const train = await ex.extract(tr.images, listing.train.length);
        const test = await ex.extract(te.images, listing.test.length);
        const masks = new Uint8Array(listing.test.length * 224 * 224);
        (await ports.data.loadMasks(listing.test)).forEach((m, i) => masks.set(m, i * 224 * 224));
        const labels = Uint8Array.from(listing.test.map((s) => s.label));
        const truth = { labels, masks, defects: listing.test.map((s) => s.defect) };
        const sel = mine[0].params.selection!;
        const split = holdoutSplit(labels, sel);
        const names = selectionNames(sel);
        for (const r of mine) {
          const p = r.params;
          const out = await ports.engine.evaluateDwtGroup(
            { train, test },
            truth,
            { wavelet: p.wavelet, level: p.level, mode: p.mode, align: p.align },
            [
              {
                subbands: p.subbands,
                cov_reg: p.cov_reg,
                sigma: p.sigma,
                distance: p.distance,
                smoothing: p.smoothing,
              },
            ],
            {
              subsets: [
                { name: names.sel, indices: split.selection },
                { name: names.rep, indices: split.report },
              ],
            },
          );
          const m = out.outcomes[0].metrics;
          expect(r.metrics[METRIC.imageAuroc]).toBe(m.image_auroc);
          expect(r.metrics[METRIC.pixelAuroc]).toBe(m.pixel_auroc);
          expect(r.metrics[METRIC.aupro]).toBe(m.aupro);
          expect(r.metrics[METRIC.selImageAuroc]).toBe(m.subsets[names.sel].image_auroc);
          expect(r.metrics[METRIC.repImageAuroc]).toBe(m.subsets[names.rep].image_auroc);
        }
      }
    } finally {
      await ex.dispose();
    }
  }, 300_000);

  it('exports every trial as Parquet: typed columns whose values are the stored ones, bit for bit', async () => {
    const out = join(work, 'trials.parquet');
    const bin = join(repoRoot(), 'bin', 'wepadim.js');
    const args = ['export', 'e2e-tiny', '--table', 'trials', '--format', 'parquet', '--db', first.dbPath];
    await pexec(process.execPath, [bin, ...args, '--out', out], { timeout: 60_000 });
    const bytes = readFileSync(out);
    const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const schema = new Map(
      parquetMetadata(buf)
        .schema.slice(1)
        .map((e) => [e.name, e]),
    );
    const got = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
    expect(got).toHaveLength(rows.length);
    const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
    expect(metricNames).toEqual(expect.arrayContaining([METRIC.aupro, METRIC.imageAuroc, METRIC.timeTotal]));
    expect(metricNames.some((m) => m.startsWith('image_auroc.'))).toBe(true); // per-defect AUROCs
    for (const m of metricNames) expect(schema.get(m)).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    for (const c of ['trial', 'class', 'status', 'wavelet', 'subbands', 'weights'])
      expect(schema.get(c)).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(schema.get('attempts')?.type).toBe('INT64');
    expect(schema.get('level')?.type).toBe('INT64');
    expect(schema.get('sigma')?.type).toBe('DOUBLE');
    for (const r of rows) {
      const row = got.find((g) => g.trial === r.key.slice(0, 12));
      expect(row).toMatchObject({
        class: r.class,
        status: 'done',
        level: 1n,
        sigma: r.params.sigma,
        subbands: 'LL+LH+HL',
      });
      for (const m of metricNames) expect(row?.[m]).toBe(r.metrics[m] ?? null);
    }
    // the same bytes on stdout when it is not a terminal
    const piped = await pexec(process.execPath, [bin, ...args], { timeout: 60_000, encoding: 'buffer' });
    expect(Buffer.compare(piped.stdout, bytes)).toBe(0);
  }, 300_000);

  it('gives identical numbers when rerun from a warm feature cache', async () => {
    const again = await run(join(work, 'runs'), true); // fresh database, same feature cache under runs/.cache
    expect(again.counts).toMatchObject({ done: 4, failed: 0 });
    const rows2 = storedResults(again.dbPath);
    const strip = (m: Record<string, number>) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time.') && k !== METRIC.peakRssMb));
    for (const r of rows) expect(strip(rows2.find((x) => x.key === r.key)!.metrics)).toEqual(strip(r.metrics));
    const { details } = JSON.parse(readFileSync(join(again.artifactsDir, rows[0].key, 'trial.json'), 'utf8')) as {
      details: { cache: { train: string } };
    };
    expect(details.cache.train).toBe('disk');
    // the leaderboard is made of these results: the best point's mean is the class mean of its stored values
    const db = openReads(again.dbPath);
    try {
      const rep = buildRunReport(db, 'e2e-tiny', dirname(again.dbPath));
      const means = [2, 4].map((sigma) => {
        const xs = rows.filter((r) => r.params.sigma === sigma).map((r) => r.metrics[METRIC.imageAuroc]);
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      });
      expect(rep.image?.points[0].mean).toBeCloseTo(Math.max(...means), 12);
      expect(rep.image?.points).toHaveLength(2);
      const best = rep.perClass?.perClass?.entries ?? [];
      for (const e of best)
        expect(e.value).toBe(
          Math.max(...rows.filter((r) => r.class === e.class).map((r) => r.metrics[METRIC.imageAuroc])),
        );
    } finally {
      db.close();
    }
  }, 300_000);

  it('works as a CLI command: resumes (nothing left to run) and prints the leaderboard as JSON', async () => {
    const { stdout } = await pexec(
      process.execPath,
      [
        join(repoRoot(), 'bin', 'wepadim.js'),
        'run',
        file,
        '--runs-dir',
        join(work, 'runs'),
        '--workers',
        '1',
        '--json',
      ],
      { timeout: 60_000 },
    );
    const j = JSON.parse(stdout) as {
      counts: { done: number };
      leaderboard: { points: unknown[] };
      submitted: { added: number };
    };
    expect(j.submitted.added).toBe(0);
    expect(j.counts.done).toBe(4);
    expect(j.leaderboard.points).toHaveLength(2);
    expect(existsSync(join(work, 'runs', 'e2e-tiny', 'wepadim.db'))).toBe(true);
  }, 90_000);
});

describe('wepadim run, interrupted', () => {
  it('stops cleanly on Ctrl-C (exit 130, workers gone) and resumes on the next run', async () => {
    const { spawn } = await import('node:child_process');
    const runsDir = join(work, 'runs-int');
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'bin', 'wepadim.js'), 'run', file, '--runs-dir', runsDir, '--workers', '1', '--fresh'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // interrupt once the worker has registered (the sweep is then running)
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (err.includes('worker registered')) {
          clearInterval(t);
          res();
        }
        if (child.exitCode !== null) {
          clearInterval(t);
          rej(new Error(`run exited early: ${err}`));
        }
      }, 100);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    if (code !== 130) console.error(err);
    // no worker process is left (their command lines name the spool dir under runsDir)
    const left0 = await pexec('pgrep', ['-f', join(runsDir, 'e2e-tiny', 'spool')]).then(
      (r) => r.stdout.trim(),
      () => '',
    );
    expect(left0).toBe('');
    expect(code).toBe(130);
    const db = openDatabase(join(runsDir, 'e2e-tiny', 'wepadim.db'), { readonly: true });
    const left = db.prepare("SELECT count(*) AS n FROM trials WHERE status != 'done'").get() as { n: number };
    db.close();
    const again = await run(runsDir);
    expect(again.submitted.added).toBe(0);
    expect(again.submitted.requeued).toBeLessThanOrEqual(left.n);
    expect(again.counts).toMatchObject({ done: 4, failed: 0, pending: 0 });
  }, 300_000);
});

describe('wepadim run, stopped at once', () => {
  it('two Ctrl-Cs: exit 130, the summary names the leased trials, no raw worker events are printed', async () => {
    const { spawn } = await import('node:child_process');
    const runsDir = join(work, 'runs-force');
    const args = [join(repoRoot(), 'bin', 'wepadim.js'), 'run', file, '--runs-dir', runsDir, '--workers', '1'];
    const child = spawn(process.execPath, [...args, '--fresh'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // both signals once the worker holds trials (a progress line with running > 0)
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        if (/"running":[1-9]/.test(err)) {
          clearInterval(t);
          res();
        }
        if (child.exitCode !== null) {
          clearInterval(t);
          rej(new Error(`run exited early: ${err}`));
        }
      }, 50);
    });
    child.kill('SIGINT');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(`${out}\n${err}`).not.toMatch(/^\s*\{"type":/m);
    const db = openDatabase(join(runsDir, 'e2e-tiny', 'wepadim.db'), { readonly: true });
    const c = db.prepare("SELECT count(*) AS n FROM trials WHERE status IN ('leased', 'running')").get() as {
      n: number;
    };
    db.close();
    expect(out).toMatch(/^Stopped: \d+ done, \d+ failed, /);
    if (c.n > 0) expect(out).toContain(`, ${c.n} leased, `);
    else expect(out).not.toContain('leased');
  }, 300_000);
});

describe('the demo', () => {
  it('runs configs/demo.yaml through the CLI on a reduced grid (--max-points 1 --classes weave)', async () => {
    const runsDir = join(work, 'runs-demo');
    const { stdout } = await pexec(
      process.execPath,
      [
        join(repoRoot(), 'bin', 'wepadim.js'),
        'run',
        join(repoRoot(), 'configs', 'demo.yaml'),
        '--runs-dir',
        runsDir,
        '--max-points',
        '1',
        '--classes',
        'weave',
        '--workers',
        '1',
        '--json',
      ],
      { timeout: 90_000 },
    );
    const j = JSON.parse(stdout) as {
      sweep: string;
      counts: { done: number; failed: number };
      leaderboard: { points: { mean: number }[] };
      perClass: { entries: { class: string; value: number }[] };
    };
    expect(j.sweep).toBe('demo');
    expect(j.counts).toMatchObject({ done: 1, failed: 0 });
    expect(j.leaderboard.points).toHaveLength(1);
    expect(j.perClass.entries.map((e) => e.class)).toEqual(['weave']);
    expect(j.perClass.entries[0].value).toBe(j.leaderboard.points[0].mean);
  }, 300_000);
});

describe('wepadim run, bad input', () => {
  it('exits 2 naming the problem: unknown class, missing file', async () => {
    const cli = (args: string[]) =>
      pexec(process.execPath, [
        join(repoRoot(), 'bin', 'wepadim.js'),
        'run',
        ...args,
        '--runs-dir',
        join(work, 'runs-bad'),
      ]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const a = await cli([file, '--classes', 'zz']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--classes: zz not in .*tiny.yaml \(its classes: disc, weave\)/);
    const b = await cli([join(work, 'missing.yaml')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('missing.yaml');
  }, 300_000);
});
