/**
 * Progress reporting for long jobs: a redrawn bar on a TTY, periodic structured log lines otherwise.
 */
import { log as defaultLog, type Logger } from './log.js';

export interface Progress {
  /** set the absolute number of units done (and optionally a new total) */
  update(done: number, total?: number, note?: string): void;
  tick(n?: number, note?: string): void;
  done(note?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  logger?: Logger;
  /** minimum milliseconds between two log lines in non-TTY mode */
  logEveryMs?: number;
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '--';
  if (sec < 60) return `${sec.toFixed(0)}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(Math.floor(sec % 60)).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}

export function renderBar(label: string, done: number, total: number, elapsedSec: number, width = 28): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const fill = Math.round(frac * width);
  const eta = done > 0 && total > done ? (elapsedSec / done) * (total - done) : done >= total ? 0 : NaN;
  return `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${(frac * 100).toFixed(0)}% eta ${formatDuration(eta)}`;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const logger = opts.logger ?? defaultLog;
  const tty = stream.isTTY === true;
  const start = performance.now();
  const every = opts.logEveryMs ?? 2000;
  let total = opts.total;
  let done = 0;
  let lastLog = -Infinity;
  const draw = (note?: string, force = false): void => {
    const el = (performance.now() - start) / 1000;
    if (tty) {
      stream.write(`\r${renderBar(opts.label, done, total, el)}${note ? ' ' + note : ''}\x1b[K`);
    } else if (force || performance.now() - lastLog >= every) {
      lastLog = performance.now();
      logger.info('progress', { label: opts.label, done, total, elapsed_s: Number(el.toFixed(1)), note });
    }
  };
  return {
    update(d, t, note) {
      done = d;
      if (t !== undefined) total = t;
      draw(note);
    },
    tick(n = 1, note) {
      done += n;
      draw(note);
    },
    done(note) {
      draw(note, true);
      if (tty) stream.write('\n');
    },
  };
}
