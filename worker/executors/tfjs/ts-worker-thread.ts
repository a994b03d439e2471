/**
 * Start a worker thread on a .ts module. (`--import tsx/esm` in a Worker's execArgv, which shared/spawn.ts
 * tsWorker uses, is not honoured by Node 20 worker threads: the worker fails with ERR_UNKNOWN_FILE_EXTENSION.)
 * Here a small eval bootstrap registers tsx's ESM hooks inside the thread, then imports the module.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorkerThread(moduleUrl: URL): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(boot, { eval: true });
}
