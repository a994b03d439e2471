/**
 * The `command` objective: runs the program of a command sweep once per trial, in its own process group,
 * with the trial's parameters in the argv template, in WEPADIM_PARAMS (JSON) and in a params file
 * (WEPADIM_PARAMS_FILE); its JSON-line metrics stream as progress, its `final` line is the result, and the
 * files it writes into `{artifacts}` are the trial's artifacts. The worker's policy (--no-command,
 * --allow-command) is checked before anything runs.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { programParams, substituteArgv, type CommandSpec } from '../../shared/command.js';
import type { ArtifactRef, TrialResult } from '../../shared/result.js';
import { METRIC } from '../../shared/result.js';
import { codeVersion } from '../../shared/version.js';
import type { GroupCallbacks, LeasedTrial, Objective, TrialOutcome } from '../objective-types.js';
import { describeEnd, MetricCollector } from './outcome.js';
import { ALLOW_ALL, policyRefusal, type CommandPolicy } from './policy.js';
import { METRICS_FD, runProcessGroup } from './process-group.js';

export const COMMAND_BACKEND = 'command';
export const MALFORMED_METRIC = 'command.malformed_lines';

export interface CommandObjectiveOptions {
  /** artifacts go to `<artifactsDir>/<trial key>/`. Default: $WEPADIM_ARTIFACTS_DIR, else ./runs/artifacts */
  artifactsDir?: string;
  /** the worker's --gpu: CUDA_VISIBLE_DEVICES for the program ('' when null: a CPU worker hands out no GPU) */
  gpu?: number | null;
  policy?: CommandPolicy;
  /** between SIGTERM and SIGKILL to the program's process group (default 2000 ms) */
  killGraceMs?: number;
  /** the pid (= process group id) of each program started, by trial key (tests and logs) */
  onSpawn?: (trialKey: string, pid: number) => void;
}

/** The worker's environment minus its own secrets: a program never sees the worker's auth token. */
function programEnv(): NodeJS.ProcessEnv {
  const { WEPADIM_TOKEN: _token, ...env } = process.env;
  return env;
}

/** Every file under `dir`, as artifact refs (kind `file`), sorted by path. */
function listArtifacts(dir: string): ArtifactRef[] {
  const out: ArtifactRef[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push({ kind: 'file', path: p });
    }
  };
  walk(dir);
  return out;
}

async function runOne(
  trial: LeasedTrial,
  cmd: CommandSpec,
  o: Required<Pick<CommandObjectiveOptions, 'artifactsDir' | 'policy'>> & CommandObjectiveOptions,
  cb: GroupCallbacks,
): Promise<TrialOutcome> {
  const refusal = policyRefusal(o.policy, cmd.argv[0], cmd.cwd);
  if (refusal) return { ok: false, error: `not run: ${refusal}`, retryable: true };
  const artifacts = join(o.artifactsDir, trial.key);
  rmSync(artifacts, { recursive: true, force: true }); // a re-run starts from an empty folder
  mkdirSync(artifacts, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'wepadim-trial-'));
  const started = performance.now();
  try {
    const paramsFile = join(scratch, 'params.json');
    const params = programParams(cmd); // the point's, plus `budget` on a halving rung
    const paramsJson = JSON.stringify(params);
    writeFileSync(paramsFile, `${paramsJson}\n`);
    const argv = substituteArgv(cmd.argv, { ...params, artifacts, trial_key: trial.key, params_file: paramsFile });
    const metrics = new MetricCollector(trial.key, cb);
    const end = await runProcessGroup({
      argv,
      cwd: cmd.cwd,
      env: {
        ...programEnv(),
        WEPADIM_PARAMS: paramsJson,
        WEPADIM_PARAMS_FILE: paramsFile,
        WEPADIM_METRICS_FD: String(METRICS_FD),
        WEPADIM_TRIAL_KEY: trial.key,
        WEPADIM_TRIAL_ARTIFACTS: artifacts,
        CUDA_VISIBLE_DEVICES: o.gpu === null || o.gpu === undefined ? '' : String(o.gpu),
      },
      timeoutMs: cmd.timeout_s === null ? null : cmd.timeout_s * 1000,
      signal: cb.signalFor(trial.key),
      killGraceMs: o.killGraceMs,
      sink: metrics,
      onSpawn: (pid) => o.onSpawn?.(trial.key, pid),
    });
    const failure = describeEnd(end, cmd, metrics);
    if (failure) return failure;
    const result: TrialResult = {
      metrics: {
        ...metrics.finalValues,
        [MALFORMED_METRIC]: metrics.malformedCount,
        [METRIC.timeTotal]: (performance.now() - started) / 1000,
      },
      artifacts: listArtifacts(artifacts),
      provenance: {
        code_version: codeVersion(),
        backend: COMMAND_BACKEND,
        device:
          o.gpu === null || o.gpu === undefined ? 'cpu (CUDA_VISIBLE_DEVICES empty)' : `CUDA_VISIBLE_DEVICES=${o.gpu}`,
        weights: 'none',
        dataset_root: cmd.cwd,
        class: trial.params.class,
      },
      details: {
        command: {
          argv,
          steps: metrics.steps,
          malformed: metrics.malformedCount,
          first_malformed: metrics.firstMalformed,
        },
      },
    };
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: `command trial: ${err instanceof Error ? err.message : String(err)}`, retryable: true };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function createCommandObjective(options: CommandObjectiveOptions = {}): Objective {
  const live = new Map<string, number>(); // trial key -> process group of a running program
  const o = {
    ...options,
    onSpawn: (key: string, pid: number): void => {
      live.set(key, pid);
      options.onSpawn?.(key, pid);
    },
    artifactsDir: resolve(options.artifactsDir ?? process.env.WEPADIM_ARTIFACTS_DIR ?? join('runs', 'artifacts')),
    policy: options.policy ?? ALLOW_ALL,
  };
  return {
    name: 'command',
    async runGroup(trials, cb) {
      // one program at a time: a worker is one GPU, and each program gets all of it
      for (const t of trials) {
        const cmd = t.params.command;
        const outcome: TrialOutcome = cmd
          ? await runOne(t, cmd, o, cb).finally(() => live.delete(t.key))
          : { ok: false, error: `trial ${t.key}: objective 'command' needs params.command`, retryable: false };
        cb.finished(t.key, outcome);
      }
    },
    /** the worker is stopping: SIGKILL every program group still running (their trials were aborted already) */
    dispose() {
      for (const pid of live.values()) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return Promise.resolve();
    },
  };
}
