/**
 * `wepadim worker --gpus 0,1,2,3`: one child worker process per GPU on this machine. A child that
 * crashes is restarted with backoff; a child that exits 0 (drained) or 2 (bad input) is not. Stopping the supervisor
 * (its signal aborts) tells every child to drain, and the supervisor resolves once all children are gone.
 * The drain order goes over an IPC channel when the child has one (`ipc: true`), else as SIGTERM. IPC
 * matters because a terminal's Ctrl-C and Slurm's scancel signal every process of the group or job: a
 * child that already got that signal would take a forwarded SIGTERM as its second signal and stop at once
 * instead of draining, while a repeated drain order over IPC changes nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Backoff, sleep } from '../client/backoff.js';

export interface SuperviseOptions {
  gpus: readonly number[];
  /** the command line of the child for one GPU: [executable, ...args] */
  commandFor(gpu: number): { file: string; args: string[]; env?: NodeJS.ProcessEnv; ipc?: boolean };
  /** aborting it drains the children and stops restarting them */
  signal: AbortSignal;
  /** give up on a GPU after this many crashes in a row (default 20) */
  maxRestarts?: number;
  onEvent?(e: SupervisorEvent): void;
}

export type SupervisorEvent =
  | { type: 'child-start'; gpu: number; pid: number }
  | { type: 'child-exit'; gpu: number; code: number | null; signal: string | null; restartInMs: number | null };

export interface SupervisorSummary {
  /** per GPU: the last exit code (null if killed by a signal) and the number of restarts */
  children: { gpu: number; lastCode: number | null; restarts: number }[];
}

/** What a supervisor sends a child over IPC to make it drain (see `isDrainMessage`). */
export const DRAIN_MESSAGE = { type: 'wepadim-drain' } as const;

export function isDrainMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === DRAIN_MESSAGE.type;
}

export function parseGpuList(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const out: number[] = [];
  for (const p of parts) {
    const range = /^(\d+)-(\d+)$/.exec(p);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a) throw new RangeError(`GPU range "${p}" runs backwards`);
      for (let g = a; g <= b; g++) out.push(g);
    } else if (/^\d+$/.test(p)) out.push(Number(p));
    else throw new RangeError(`not a GPU index or range: "${p}" (use e.g. 0,1,2,3 or 0-3)`);
  }
  if (out.length === 0) throw new RangeError('empty GPU list');
  if (new Set(out).size !== out.length) throw new RangeError(`GPU listed twice in "${text}"`);
  return out;
}

function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function superviseOne(
  gpu: number,
  opts: SuperviseOptions,
): Promise<{ gpu: number; lastCode: number | null; restarts: number }> {
  const backoff = new Backoff({ baseMs: 500, capMs: 30_000 });
  const maxRestarts = opts.maxRestarts ?? 20;
  let restarts = 0;
  for (;;) {
    const { file, args, env, ipc } = opts.commandFor(gpu);
    const child = spawn(file, args, {
      stdio: ['ignore', 'inherit', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
      env: env ?? process.env,
    });
    const stop = (): void => {
      if (ipc && child.connected) child.send(DRAIN_MESSAGE);
      else child.kill('SIGTERM');
    };
    opts.signal.addEventListener('abort', stop, { once: true });
    if (child.pid !== undefined) opts.onEvent?.({ type: 'child-start', gpu, pid: child.pid });
    const started = Date.now();
    const { code, signal } = await waitExit(child);
    opts.signal.removeEventListener('abort', stop);
    // A child that ran for a minute counts as healthy: start the crash count over.
    if (Date.now() - started > 60_000) backoff.reset();
    // 0: drained; 2: bad input (e.g. credentials refused), which a restart cannot fix
    const finished = code === 0 || code === 2 || opts.signal.aborted || backoff.attempts >= maxRestarts;
    const delay = finished ? null : backoff.next();
    opts.onEvent?.({ type: 'child-exit', gpu, code, signal, restartInMs: delay });
    if (delay === null) return { gpu, lastCode: code, restarts };
    await sleep(delay, opts.signal);
    if (opts.signal.aborted) return { gpu, lastCode: code, restarts };
    restarts++;
  }
}

export async function superviseWorkers(opts: SuperviseOptions): Promise<SupervisorSummary> {
  const children = await Promise.all(opts.gpus.map((g) => superviseOne(g, opts)));
  return { children };
}
