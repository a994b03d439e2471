/**
 * The command objective on real processes: params in argv, env and file; metrics on fd 3 and on stdout with
 * the prefix; malformed lines counted, not fatal; no final line, non-zero exit (stderr tail kept) and timeout
 * fail the trial; a cancel kills the whole process group (the grandchild's pid is gone); the worker's policy
 * refuses programs before anything runs; CUDA_VISIBLE_DEVICES follows --gpu.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../shared/command.js';
import type { TrialParams } from '../../shared/trial.js';
import { createCommandObjective, type CommandObjectiveOptions } from '../../worker/command/command-objective.js';
import type { LeasedTrial, TrialOutcome, TrialProgress } from '../../worker/objective-types.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PROBE = resolve('test/fixtures/command/probe.mjs');

function trial(
  key: string,
  mode: string,
  params: CommandSpec['params'] = {},
  timeout_s: number | null = null,
): LeasedTrial {
  const command: CommandSpec = {
    argv: [process.execPath, PROBE, '--mode', mode, '--x', '{x}', '--out', '{artifacts}'],
    cwd: dir,
    timeout_s,
    params: { x: 1, ...params },
  };
  const p = { objective: 'command', class: 'command', root: dir, command } as unknown as TrialParams;
  return { trialId: 1, key, leaseId: `l-${key}`, fencingToken: 1, params: p };
}

async function run(
  t: LeasedTrial,
  o: CommandObjectiveOptions = {},
  abort?: AbortController,
): Promise<{ outcome: TrialOutcome; progress: TrialProgress[] }> {
  const progress: TrialProgress[] = [];
  let outcome: TrialOutcome | null = null;
  const signal = (abort ?? new AbortController()).signal;
  await createCommandObjective({ artifactsDir: join(dir, 'artifacts'), ...o }).runGroup([t], {
    progress: (_k, p) => progress.push(p),
    finished: (_k, out) => (outcome = out),
    signalFor: () => signal,
  });
  if (!outcome) throw new Error('not finished');
  return { outcome, progress };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(pred: () => boolean, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20)))
    if (pred()) return true;
  return pred();
}

describe('command objective', () => {
  it('passes params three ways, streams fd-3 metrics, counts malformed lines, records artifacts, sets CUDA_VISIBLE_DEVICES', async () => {
    const { outcome, progress } = await run(trial('ok1', 'ok', { x: 7, flag: true }), { gpu: 2 });
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.result.metrics.score).toBe(15);
    expect(outcome.result.metrics['command.malformed_lines']).toBe(3);
    expect(progress.map((p) => [p.done, p.total, p.values?.loss])).toEqual([
      [1, 2, 0.5],
      [2, 2, 0.25],
    ]);
    expect(progress[1].values?.['command.malformed_lines']).toBe(3);
    const art = join(dir, 'artifacts', 'ok1');
    expect(outcome.result.artifacts.map((a) => a.path)).toEqual([join(art, 'env.json'), join(art, 'model.txt')]);
    const env = JSON.parse(readFileSync(join(art, 'env.json'), 'utf8')) as {
      cuda: string;
      file: string;
      argv: string[];
    };
    expect(env.cuda).toBe('2');
    expect(env.argv).toEqual(['--mode', 'ok', '--x', '7', '--out', art]);
    expect(existsSync(env.file)).toBe(false); // the params file is removed with the trial's scratch folder
    expect(outcome.result.provenance.backend).toBe('command');
  });

  it('reads prefixed metric lines on stdout, and hides GPUs from a CPU worker', async () => {
    const { outcome, progress } = await run(trial('out1', 'stdout'));
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.result.metrics.acc).toBe(0.95);
    expect(outcome.result.metrics['command.malformed_lines']).toBe(0);
    expect(progress.map((p) => p.values?.acc)).toEqual([0.9]);
    expect(outcome.result.provenance.device).toMatch(/CUDA_VISIBLE_DEVICES empty/);
  });

  it('fails without a final line, and on a non-zero exit with the tail of stderr', async () => {
    const nofinal = await run(trial('nf', 'nofinal'));
    expect(nofinal.outcome.ok).toBe(false);
    if (!nofinal.outcome.ok) expect(nofinal.outcome.error).toMatch(/exited 0 without a final metrics line/);
    const failed = (await run(trial('f', 'fail'))).outcome;
    if (failed.ok) throw new Error('should fail');
    expect(failed.error).toMatch(/exited with code 3; stderr tail:/);
    expect(failed.error).toMatch(/the real reason is at the end$/);
    expect(failed.error.length).toBeLessThan(4096 + 200);
  });

  it('times out (timeout_s) and kills the program', async () => {
    const pids: number[] = [];
    const { outcome } = await run(trial('slow', 'sleep', {}, 0.5), {
      killGraceMs: 200,
      onSpawn: (_k, pid) => pids.push(pid),
    });
    if (outcome.ok) throw new Error('should time out');
    expect(outcome.error).toMatch(/timed out after 0.5 s/);
    expect(await until(() => !alive(pids[0]))).toBe(true);
  });

  it('a cancel kills the whole process group: the grandchild (which ignores SIGTERM) is gone too', async () => {
    const abort = new AbortController();
    const t = trial('gc', 'grandchild');
    const pidFile = join(dir, 'artifacts', 'gc', 'grandchild.pid');
    const running = run(t, { killGraceMs: 300 }, abort);
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0)).toBe(true);
    const gc = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(gc)).toBe(true);
    abort.abort('cancelled: test');
    const { outcome } = await running;
    if (outcome.ok) throw new Error('should be aborted');
    expect(outcome.error).toMatch(/aborted: cancelled: test \(process group killed\)/);
    expect(await until(() => !alive(gc))).toBe(true);
  });

  it('dispose (the worker stopping) SIGKILLs the group of a program still running', async () => {
    const obj = createCommandObjective({ artifactsDir: join(dir, 'artifacts') });
    const pidFile = join(dir, 'artifacts', 'disp', 'grandchild.pid');
    let outcome: TrialOutcome | null = null;
    const running = obj.runGroup([trial('disp', 'grandchild')], {
      progress: () => undefined,
      finished: (_k, o) => (outcome = o),
      signalFor: () => new AbortController().signal,
    });
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0)).toBe(true);
    const gc = Number(readFileSync(pidFile, 'utf8'));
    await obj.dispose?.();
    await running;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers as any
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/was killed by SIGKILL/) });
    expect(await until(() => !alive(gc))).toBe(true);
  });

  it("refuses programs the worker's policy does not allow, before running anything", async () => {
    const no = (await run(trial('p1', 'ok'), { policy: { enabled: false, allow: null } })).outcome;
    if (no.ok) throw new Error('should be refused');
    expect(no.error).toMatch(/refuses command objectives \(--no-command\)/);
    expect(existsSync(join(dir, 'artifacts', 'p1'))).toBe(false);
    const notListed = (await run(trial('p2', 'ok'), { policy: { enabled: true, allow: ['python3'] } })).outcome;
    if (notListed.ok) throw new Error('should be refused');
    expect(notListed.error).toMatch(/is not in this worker's --allow-command list \(python3\)/);
    const listed = (await run(trial('p3', 'ok'), { policy: { enabled: true, allow: [process.execPath] } })).outcome;
    expect(listed.ok).toBe(true);
  });
});
