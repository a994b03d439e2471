/**
 * The worker's peak resident memory while it works on one class, for a trial's `peak_rss_mb`.
 *
 * The process's lifetime peak (getrusage maxRSS) charges a trial with whatever an earlier, larger class needed. On
 * Linux the peak can be reset: writing 5 to /proc/self/clear_refs sets VmHWM back to the current RSS (proc(5)). A
 * window opens when a class starts and the peak is reset when no other class is running in this process (with
 * `--concurrency` > 1 the classes running together share one window). The reset also resets getrusage's maxRSS of
 * this process (both read the kernel's hiwater mark). Elsewhere, or if the file cannot be written, the lifetime peak
 * is reported, as before.
 */
import { readFileSync, writeFileSync } from 'node:fs';

let open = 0;
let resettable = process.platform === 'linux';

function reset(): void {
  if (!resettable) return;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resettable = false;
  }
}

/** Opens a peak window for one class; call the returned function when the class is done. */
export function beginClassPeak(): () => void {
  if (open === 0) reset();
  open++;
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    open--;
  };
}

/** The peak RSS in MB since the current window opened (the process's lifetime peak where that is not available). */
export function classPeakRssMb(): number {
  if (resettable) {
    try {
      const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) return Number(m[1]) / 1024;
    } catch {
      // fall through to the lifetime peak
    }
  }
  return process.resourceUsage().maxRSS / 1024;
}
