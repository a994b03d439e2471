/**
 * The progress display of `wepadim run`: one bar per worker and an overall bar with ETA, redrawn in
 * place on a TTY; structured log lines (at most every few seconds) otherwise.
 */
import type { Logger } from '../shared/log.js';
import { formatDuration, renderBar } from '../shared/progress.js';

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

export function renderSnapshot(s: RunSnapshot, elapsedSec: number, startFinished: number): string[] {
  const finished = s.done + s.failed;
  const eta = etaSeconds(startFinished, finished, s.total, elapsedSec);
  const head = `${renderBar('overall', finished, s.total, elapsedSec).replace(/ eta .*$/, '')} eta ${formatDuration(eta)}  done ${s.done} failed ${s.failed} running ${s.active} pending ${s.pending}  elapsed ${formatDuration(elapsedSec)}`;
  const width = Math.max(8, ...s.workers.map((w) => w.id.length));
  const rows = s.workers.map((w) => {
    const share = w.finished + w.active;
    const bar = renderBar(w.id.padEnd(width), w.finished, Math.max(share, 1), elapsedSec, 16).replace(
      / \d+% eta .*$/,
      '',
    );
    return `${bar} ${w.active ? `running ${w.active}` : 'idle'}${w.note ? `  ${w.note}` : ''}`;
  });
  return [head, ...rows];
}

export class RunProgressView {
  private lines = 0;
  private lastLog = -Infinity;
  private readonly start = performance.now();
  private startFinished: number | null = null;

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
      const cols = this.stream.columns || 120;
      const text = renderSnapshot(s, el, this.startFinished).map((l) => l.slice(0, cols - 1));
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
