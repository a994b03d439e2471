/**
 * CPU-seconds of the calling thread (Linux: /proc/thread-self/schedstat, nanoseconds; else /proc/thread-self/stat in
 * clock ticks; elsewhere the process's CPU time). Used for the per-phase CPU accounting of trials (issue 14): the
 * engine runs in its own thread, so its phases' CPU is the thread's, not the process's. Each thread (module
 * instance) keeps its own file descriptor open; a read costs about 10 microseconds.
 */
import { closeSync, openSync, readSync } from 'node:fs';

let fd: number | null | undefined;
let ticks = false;
const buf = Buffer.alloc(512);

function open(): number | null {
  for (const [path, isTicks] of [
    ['/proc/thread-self/schedstat', false],
    ['/proc/thread-self/stat', true],
  ] as const) {
    try {
      const f = openSync(path, 'r');
      ticks = isTicks;
      return f;
    } catch {
      /* not Linux or no schedstat: try the next */
    }
  }
  return null;
}

export function threadCpuSeconds(): number {
  if (fd === undefined) fd = open();
  if (fd === null) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  const n = readSync(fd, buf, 0, buf.length, 0);
  const text = buf.toString('latin1', 0, n);
  if (!ticks) return Number(text.slice(0, text.indexOf(' '))) / 1e9;
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14 and 15)
}

/** Close this thread's descriptor (tests). */
export function closeThreadCpu(): void {
  if (typeof fd === 'number') closeSync(fd);
  fd = undefined;
}
