/**
 * A render thread of the synthetic generator: renders and writes the jobs it is sent, one batch at a time, and
 * answers with the number of files written (or the error). Output depends only on each job's seed, so which thread
 * renders which image never changes a byte.
 */
import { parentPort } from 'node:worker_threads';
import { writeJob, type RenderJob } from './generate.js';

export interface RenderBatch {
  size: number;
  jobs: RenderJob[];
}
export type RenderReply = { ok: true; files: number; jobs: number } | { ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('render-thread-main must run in a worker thread');
port.on('message', (b: RenderBatch) => {
  void (async () => {
    try {
      let files = 0;
      for (const j of b.jobs) {
        const written = await writeJob(j, b.size);
        files += written;
      }
      port.postMessage({ ok: true, files, jobs: b.jobs.length } satisfies RenderReply);
    } catch (err) {
      port.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) } satisfies RenderReply);
    }
  })();
});
