/**
 * The progress display of `wepadim run`: an overall bar with ETA and one line per worker (trials done and held),
 * redrawn in place on a TTY within its width; structured log lines (at most every few seconds) otherwise.
 */
import type { Logger } from '../shared/log.js';
import { formatDuration } from '../shared/progress.js';

export interface WorkerRow {
  id: string;
  /** trials this worker finished (done or failed) in this sweep */
  finished: number;
  /** trials it holds now */
  active: number;
  /** last thing it reported (phase or event) */
  note: string;
}

export interface RunSnapshot {
  total: number;
  done: number;
  failed: number;
  active: number;
  pending: number;
  workers: WorkerRow[];
}

/** ETA from the trials finished since the view started (resumed ones do not count as speed). */
export function etaSeconds(startFinished: number, finished: number, total: number, elapsedSec: number): number {
  const gained = finished - startFinished;
  if (gained <= 0 || elapsedSec <= 0) return NaN;
  return ((total - finished) * elapsedSec) / gained;
}

/** Cut a line to `width` columns, marking the cut with an ellipsis. */
export function fitLine(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}\u2026`;
}

/**
 * The lines of the TTY view, each at most `width` columns: the overall bar (with the counts beside it when they fit,
 * else on a second line), an optional notice (random weights), and one line per worker with the trials it finished
 * and the trials it holds now (counts, not a bar: a worker's share grows with each lease, so it has no fixed total).
 */
export function renderSnapshot(
  s: RunSnapshot,
  elapsedSec: number,
  startFinished: number,
  width = 80,
  notice = '',
): string[] {
  const finished = s.done + s.failed;
  const eta = etaSeconds(startFinished, finished, s.total, elapsedSec);
  const frac = s.total > 0 ? Math.min(1, finished / s.total) : 0;
  const tail = ` ${finished}/${s.total} ${(frac * 100).toFixed(0)}%  eta ${formatDuration(eta)}  elapsed ${formatDuration(elapsedSec)}`;
  const barWidth = Math.max(10, Math.min(40, width - 'overall [] '.length - tail.length));
  const fill = Math.round(frac * barWidth);
  const bar = `overall [${'#'.repeat(fill)}${'.'.repeat(barWidth - fill)}]${tail}`;
  const counts = `done ${s.done}  failed ${s.failed}  running ${s.active}  pending ${s.pending}`;
  const head = bar.length + 2 + counts.length <= width ? [`${bar}  ${counts}`] : [bar, `  ${counts}`];
  const idWidth = Math.max(8, ...s.workers.map((w) => w.id.length));
  const numWidth = Math.max(3, ...s.workers.map((w) => String(Math.max(w.finished, w.active)).length));
  const rows = s.workers.map((w) => {
    const held = w.active ? `held ${String(w.active).padStart(numWidth)}` : `idle${' '.repeat(numWidth + 1)}`;
    return `${w.id.padEnd(idWidth)}  done ${String(w.finished).padStart(numWidth)}  ${held}${w.note ? `  ${w.note}` : ''}`.trimEnd();
  });
  return [...head, ...(notice ? [notice] : []), ...rows].map((l) => fitLine(l, width));
}

export class RunProgressView {
  private lines = 0;
  private lastLog = -Infinity;
  private readonly start = performance.now();
  private startFinished: number | null = null;
  /** one line shown under the overall bar for the whole run (the random-weights notice) */
  notice = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly log: Logger,
    private readonly logEveryMs = 3000,
  ) {}

  get tty(): boolean {
    return this.stream.isTTY === true;
  }

  update(s: RunSnapshot, force = false): void {
    if (this.startFinished === null) this.startFinished = s.done + s.failed;
    const el = (performance.now() - this.start) / 1000;
    if (this.tty) {
      // one column short of the terminal's width: a line that fills the last column would wrap on some terminals
      const text = renderSnapshot(s, el, this.startFinished, (this.stream.columns || 120) - 1, this.notice);
      const up = this.lines > 0 ? `\x1b[${this.lines}F` : '';
      this.stream.write(up + text.map((l) => `${l}\x1b[K\n`).join(''));
      this.lines = text.length;
      return;
    }
    if (!force && performance.now() - this.lastLog < this.logEveryMs) return;
    this.lastLog = performance.now();
    const eta = etaSeconds(this.startFinished, s.done + s.failed, s.total, el);
    this.log.info('progress', {
      total: s.total,
      done: s.done,
      failed: s.failed,
      running: s.active,
      pending: s.pending,
      elapsed_s: Number(el.toFixed(1)),
      eta_s: Number.isFinite(eta) ? Number(eta.toFixed(0)) : null,
      workers: s.workers.map((w) => `${w.id}:${w.finished}${w.active ? '+' + w.active : ''}`).join(' '),
    });
  }

  /** a line above the bars (TTY) or a log line */
  message(text: string): void {
    if (this.tty && this.lines > 0) {
      this.stream.write(`\x1b[${this.lines}F\x1b[J${text}\n`);
      this.lines = 0;
    } else this.stream.write(`${text}\n`);
  }
}
