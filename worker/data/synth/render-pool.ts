/**
 * Renders a list of synthetic-image jobs on worker threads (both cores: rendering is pure JS, one image at
 * ~20-50 ms), in batches handed out as threads free up. `threads: 0` renders on the calling thread; the files are
 * byte-identical either way (each image has its own seed).
 */
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../../../shared/spawn.js';
import { writeJob, type RenderJob } from './generate.js';
import type { RenderBatch, RenderReply } from './render-thread-main.js';

export interface RenderPoolOptions {
  threads: number;
  /** jobs per message to a thread */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Render and write every job; resolves with the number of files written. */
export async function renderJobs(jobs: readonly RenderJob[], size: number, opts: RenderPoolOptions): Promise<number> {
  let done = 0;
  let files = 0;
  if (opts.threads <= 0) {
    for (const j of jobs) {
      const written = await writeJob(j, size);
      files += written;
      opts.onProgress?.(++done, jobs.length);
    }
    return files;
  }
  const batch = Math.max(1, opts.batch ?? 4);
  let next = 0;
  const workers: Worker[] = [];
  try {
    const one = (w: Worker): Promise<void> =>
      new Promise((resolve, reject) => {
        const send = (): void => {
          if (next >= jobs.length) {
            resolve();
            return;
          }
          const msg: RenderBatch = { size, jobs: jobs.slice(next, next + batch) };
          next += msg.jobs.length;
          w.postMessage(msg);
        };
        w.on('message', (r: RenderReply) => {
          if (!r.ok) {
            reject(new Error(r.message));
            return;
          }
          files += r.files;
          done += r.jobs;
          opts.onProgress?.(done, jobs.length);
          send();
        });
        w.on('error', reject);
        w.on('exit', (code) => reject(new Error(`render thread exited with code ${code}`)));
        send();
      });
    const n = Math.min(opts.threads, Math.ceil(jobs.length / batch));
    for (let i = 0; i < n; i++) workers.push(tsWorker(new URL('./render-thread-main.ts', import.meta.url)));
    await Promise.all(workers.map(one));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return files;
}
