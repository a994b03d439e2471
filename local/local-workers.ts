/**
 * Local worker processes for `wepadim run`: `node bin/wepadim.js worker ...`, one per core (or GPU).
 * Their stderr is captured line by line (for the progress view and for errors); stop() drains them
 * with SIGTERM and kills what is left after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../shared/version.js';

export interface LocalWorkerSpec {
  index: number;
  workerId: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface LocalWorker {
  spec: LocalWorkerSpec;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** the last lines it wrote on stderr (for error reports) */
  tail: string[];
}

export interface WorkerCommandOptions {
  coordinator: string;
  backend: string;
  workerId: string;
  spoolDir: string;
  cacheDir: string;
  artifactsDir: string;
  threads: number;
  groupSize: number;
  gpu: number | null;
  /** ms one long-polled Acquire may wait (the worker's default when absent) */
  acquireWaitMs?: number;
  /** --max-rss of the worker, MB */
  maxRssMb?: number;
}

/** The worker command line (the worker engineer's CLI). */
export function workerArgs(o: WorkerCommandOptions): string[] {
  return [
    join(repoRoot(), 'bin', 'wepadim.js'),
    'worker',
    '--coordinator',
    o.coordinator,
    '--insecure',
    '--backend',
    o.backend,
    '--worker-id',
    o.workerId,
    '--spool-dir',
    o.spoolDir,
    '--cache-dir',
    o.cacheDir,
    '--artifacts-dir',
    o.artifactsDir,
    '--threads',
    String(o.threads),
    '--group-size',
    String(o.groupSize),
    '--json',
    // a safety net: a worker orphaned by a killed `wepadim run` exits once no lease comes for a while
    '--idle-exit',
    '300',
    ...(o.gpu === null ? [] : ['--gpu', String(o.gpu)]),
    ...(o.acquireWaitMs === undefined ? [] : ['--acquire-wait', String(o.acquireWaitMs)]),
    ...(o.maxRssMb === undefined ? [] : ['--max-rss', String(o.maxRssMb)]),
  ];
}

export function startLocalWorker(
  spec: LocalWorkerSpec,
  onLine: (w: LocalWorkerSpec, line: string) => void,
): LocalWorker {
  // own process group: a terminal's Ctrl-C reaches only `wepadim run`, which then drains the workers with
  // one SIGTERM (a second signal would make a worker stop hard)
  const child = spawn(process.execPath, spec.args, {
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLine(spec, line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', keep);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      res({ code, signal });
    });
    child.once('error', () => res({ code: -1, signal: null }));
  });
  return { spec, child, exited, tail };
}

/**
 * SIGTERM (the worker drains: finishes and delivers its trials), then SIGKILL for any that did not exit
 * after graceMs or when `force` aborts.
 */
export async function stopLocalWorkers(
  ws: readonly LocalWorker[],
  graceMs: number,
  force?: AbortSignal,
): Promise<void> {
  for (const w of ws) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  let onForce: (() => void) | undefined;
  const timeout = new Promise<void>((res) => {
    if (Number.isFinite(graceMs)) timer = setTimeout(res, graceMs);
    onForce = res;
    if (force?.aborted) res();
    else force?.addEventListener('abort', onForce, { once: true });
  });
  await Promise.race([Promise.all(ws.map((w) => w.exited)), timeout]);
  if (timer) clearTimeout(timer);
  if (onForce) force?.removeEventListener('abort', onForce);
  for (const w of ws) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(ws.map((w) => w.exited));
}
