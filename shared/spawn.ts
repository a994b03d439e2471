/**
 * Start TypeScript entry points as child processes or worker threads with tsx's loader,
 * so nothing needs a build step.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
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

/**
 * new Worker() on a .ts module. Node 20 worker threads do not honour `--import tsx/esm` in execArgv
 * (the thread fails with ERR_UNKNOWN_FILE_EXTENSION), so a small eval bootstrap registers tsx's ESM
 * hooks inside the thread, then imports the module.
 */
export function tsWorker(moduleUrl: URL, opts: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
