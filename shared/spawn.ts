/**
 * Start TypeScript entry points as child processes or worker threads with tsx's loader,
 * so nothing needs a build step.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Absolute file URL of tsx's ESM loader, for `--import`. */
export function tsxLoaderUrl(): string {
  return import.meta.resolve('tsx/esm');
}

export function tsExecArgv(): string[] {
  return ['--import', tsxLoaderUrl()];
}

/** fork() a .ts module with the tsx loader. */
export function forkTs(modulePath: string, args: string[] = [], opts: ForkOptions = {}): ChildProcess {
  return fork(modulePath, args, { ...opts, execArgv: [...tsExecArgv(), ...(opts.execArgv ?? [])] });
}

/** new Worker() on a .ts module with the tsx loader. */
export function tsWorker(moduleUrl: URL | string, opts: WorkerOptions = {}): Worker {
  const path = typeof moduleUrl === 'string' ? moduleUrl : fileURLToPath(moduleUrl);
  return new Worker(path, { ...opts, execArgv: [...tsExecArgv(), ...(opts.execArgv ?? [])] });
}
