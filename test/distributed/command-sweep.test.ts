/**
 * The example command sweep (examples/command-sweep) end to end through the real CLI: `wepadim submit`, a
 * coordinator and workers as processes over gRPC, and a kill -9 of a worker mid-trial. The killed trial is
 * re-leased and done exactly once, its program does not outlive the worker, and every result in the
 * database is the loss the script computes from its parameters, with its artifact recorded.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import {
  Cluster,
  duplicates,
  freePort,
  settled,
  sleep,
  startCoordinatorChild,
  waitForState,
  WEPADIM,
  workerEvents,
} from './harness.js';
import { expectedLoss } from './train-loss.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cmdsweep-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});
const SWEEP = resolve('examples/command-sweep/sweep.yaml');

/** pids of live processes whose command line mentions `needle` (read from /proc). */
function processesWith(needle: string): number[] {
  return readdirSync('/proc').flatMap((d) => {
    if (!/^\d+$/.test(d)) return [];
    try {
      return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

async function until<T>(f: () => T | undefined | false, ms: number, what: string): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    const v = f();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('examples/command-sweep through coordinator, gRPC and workers', () => {
  it('refuses a template placeholder that no parameter declares, at submit (exit 2, naming the line)', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'name: bad\nobjective: command\ncommand: [node, t.mjs, "--lr={lr}"]\nparams:\n  rate: {type: float, values: [0.1]}\n',
    );
    const r = spawnSync(process.execPath, [WEPADIM, 'submit', bad, '--db', join(dir, 'bad.db')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${bad}:3:24: command[2] uses {lr}, which is not a declared parameter (allowed: rate, artifacts, trial_key, params_file)`,
    );
  });

  it('runs every trial exactly once with the right results, through a kill -9 of a worker mid-trial', async () => {
    const db = join(dir, 'cmd.db');
    const art = join(dir, 'artifacts');
    const sub = spawnSync(process.execPath, [WEPADIM, 'submit', SWEEP, '--db', db], { encoding: 'utf8' });
    expect(sub.status, sub.stderr).toBe(0);
    const port = await freePort();
    await startCoordinatorChild(cluster, db, port, 1500);
    // the victim's programs pause 3 s per epoch (train.mjs reads STEP_MS from its environment, which the
    // worker passes on), so its first trial is surely mid-run when it is killed; results do not depend on it
    const worker = (name: string, env: NodeJS.ProcessEnv = {}): ChildProcess =>
      cluster.spawn(
        [
          'worker',
          '--coordinator',
          `127.0.0.1:${port}`,
          '--insecure',
          '--json',
          '--spool-dir',
          join(dir, `spool-${name}`),
          '--idle-exit',
          '4',
          '--concurrency',
          '1',
          '--group-size',
          '1',
          '--artifacts-dir',
          art,
          '--allow-command',
          'node',
          '--worker-id',
          name,
        ],
        env,
        name,
      );
    const victim = worker('victim', { STEP_MS: '3000' });
    // the victim's first trial, once its program has streamed progress into the metrics table
    const key = await until(
      () => workerEvents(cluster, victim).find((e) => e.type === 'leased')?.trialKeys as string[] | undefined,
      120_000,
      'a lease',
    ).then((k) => k[0]);
    const rdb = openDatabase(db, { readonly: true });
    const progressRows = (): number =>
      (
        rdb
          .prepare(
            "SELECT count(*) AS n FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE t.key = ? AND m.final = 0 AND m.name = 'loss'",
          )
          .get(key) as { n: number }
      ).n;
    await until(() => progressRows() > 0, 120_000, 'progress of the first trial');
    expect(workerEvents(cluster, victim).some((e) => e.type === 'finished' && e.key === key)).toBe(false);
    expect(processesWith(join(art, key)).length).toBeGreaterThan(0);
    await cluster.kill9(victim);
    // no orphan: the program loses its metrics pipe with the worker and ends at its next write
    await until(() => processesWith(join(art, key)).length === 0, 60_000, "the killed worker's program to end");
    const others = [worker('w1'), worker('w2')];
    const s = await waitForState(db, settled, 240_000);
    expect(s.byStatus, cluster.tail(others[0])).toEqual({ done: 10 });
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
    const attempts = rdb
      .prepare('SELECT a.outcome FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE t.key = ? ORDER BY a.id')
      .all(key) as { outcome: string }[];
    expect(attempts.map((a) => a.outcome)).toEqual(['expired', 'done']);
    const rows = rdb
      .prepare(
        "SELECT t.key, t.params_json, m.value, r.backend FROM trials t JOIN metrics m ON m.trial_id = t.id AND m.final = 1 AND m.name = 'loss' JOIN results r ON r.trial_id = t.id",
      )
      .all() as { key: string; params_json: string; value: number; backend: string }[];
    expect(rows.length).toBe(10);
    for (const r of rows) {
      const p = (JSON.parse(r.params_json) as { command: { params: { lr: number; epochs: number; opt: string } } })
        .command.params;
      expect(r.value, JSON.stringify(p)).toBe(expectedLoss(p.lr, p.epochs, p.opt));
      expect(r.backend).toBe('command');
    }
    // each trial's curve.json travelled to the coordinator: stored content-addressed beside the database, with
    // the worker's path kept as its source. Uploads follow the results, so wait for the last one to be stored.
    const uploaded = (): number =>
      (
        rdb.prepare("SELECT count(*) AS n FROM artifacts WHERE kind = 'file' AND sha256 IS NOT NULL").get() as {
          n: number;
        }
      ).n;
    await until(() => uploaded() >= 10 || undefined, 120_000, 'the upload of every curve.json');
    const artifacts = rdb
      .prepare(
        "SELECT t.key, a.name, a.path, a.sha256, a.source_path FROM artifacts a JOIN trials t ON t.id = a.trial_id WHERE a.kind = 'file'",
      )
      .all() as { key: string; name: string; path: string; sha256: string; source_path: string }[];
    expect(artifacts.length).toBe(10);
    for (const a of artifacts) {
      expect(a.name).toBe('curve.json');
      expect(a.source_path).toBe(join(art, a.key, 'curve.json'));
      const stored = readFileSync(join(dir, a.path));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(a.sha256);
      expect(stored.equals(readFileSync(a.source_path))).toBe(true);
    }
    const malformed = rdb
      .prepare("SELECT max(value) AS v FROM metrics WHERE final = 1 AND name = 'command.malformed_lines'")
      .get() as { v: number };
    expect(malformed.v).toBe(0);
    rdb.close();
  }, 480_000);
});
