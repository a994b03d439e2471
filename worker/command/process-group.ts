/**
 * One program run in its own process group (spawned detached), with a metrics pipe on fd 3, stdout parsed
 * for `WEPADIM_METRIC ` lines, the tail of stderr kept, a timeout, and an abort signal. Whatever ends it
 * (abort, timeout, or its own exit), the whole group gets SIGTERM, then SIGKILL after a grace period, so
 * no grandchild outlives the trial.
 */
import { spawn } from 'node:child_process';
import { LineSplitter, MAX_LINE, parseMetricLine, STDOUT_PREFIX, type MetricSink } from './metric-lines.js';

/** The fd the program's metrics pipe has (stdio index 3). */
export const METRICS_FD = 3;
/** How much of stderr a failed trial keeps. */
export const STDERR_TAIL_BYTES = 4096;

export interface RunSpec {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number | null;
  signal: AbortSignal;
  /** between SIGTERM and SIGKILL to the group (default 2000 ms) */
  killGraceMs?: number;
  sink: MetricSink;
  /** the group's pid, once spawned (tests and logs) */
  onSpawn?: (pid: number) => void;
}

export type RunEnd =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderrTail: string }
  | { kind: 'timeout'; stderrTail: string }
  | { kind: 'aborted'; reason: string; stderrTail: string }
  | { kind: 'spawn-error'; error: string };

function killGroup(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, then SIGKILL it if anything is left after `graceMs`; resolves when the group is gone. */
export async function endGroup(pid: number, graceMs: number): Promise<void> {
  if (!killGroup(pid, 'SIGTERM')) return;
  const until = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  killGroup(pid, 'SIGKILL');
  // a SIGKILLed group is reaped by init (or by us for the leader); wait until the kernel shows it gone
  for (let i = 0; i < 200 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 10));
}

export function runProcessGroup(spec: RunSpec): Promise<RunEnd> {
  return new Promise((resolvePromise) => {
    if (spec.signal.aborted)
      return resolvePromise({ kind: 'aborted', reason: String(spec.signal.reason), stderrTail: '' });
    const [program, ...args] = spec.argv;
    const child = spawn(program, args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = Buffer.alloc(0);
    let ended: RunEnd | null = null;
    let timer: NodeJS.Timeout | null = null;
    const grace = spec.killGraceMs ?? 2000;
    const overlong = (): void => spec.sink.malformed('', `a line longer than ${MAX_LINE} bytes`);
    const fdLines = new LineSplitter((l) => parseMetricLine(l, spec.sink), overlong);
    const outLines = new LineSplitter(
      (l) => {
        if (l.startsWith(STDOUT_PREFIX)) parseMetricLine(l.slice(STDOUT_PREFIX.length), spec.sink);
      },
      () => undefined,
    );
    const tail = (): string => stderr.toString('utf8').replace(/^[^\n]*\uFFFD/, '');
    const stop = (end: RunEnd): void => {
      if (ended) return;
      ended = end;
      if (child.pid !== undefined) void endGroup(child.pid, grace);
    };
    const onAbort = (): void => stop({ kind: 'aborted', reason: String(spec.signal.reason), stderrTail: '' });
    child.once('error', (err) => {
      spec.signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      resolvePromise({ kind: 'spawn-error', error: err.message });
    });
    if (child.pid === undefined) return; // the error event follows
    spec.onSpawn?.(child.pid);
    spec.signal.addEventListener('abort', onAbort, { once: true });
    if (spec.timeoutMs !== null) timer = setTimeout(() => stop({ kind: 'timeout', stderrTail: '' }), spec.timeoutMs);
    (child.stdio[METRICS_FD] as NodeJS.ReadableStream).on('data', (b: Buffer) => fdLines.push(b));
    child.stdout?.on('data', (b: Buffer) => outLines.push(b));
    child.stderr?.on('data', (b: Buffer) => {
      stderr = Buffer.concat([stderr, b]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });
    child.once('exit', () => {
      // the leader is gone: end whatever it left in its group, so the pipes close and nothing lingers
      void endGroup(child.pid as number, grace);
      // a descendant that left the group (setsid) may still hold a pipe: stop reading after the grace period
      setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
      }, grace + 2000).unref();
    });
    child.once('close', (code, sig) => {
      spec.signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      fdLines.end();
      outLines.end();
      const end: RunEnd = ended ?? { kind: 'exit', code, signal: sig, stderrTail: '' };
      resolvePromise({ ...end, stderrTail: tail() } as RunEnd);
    });
  });
}
