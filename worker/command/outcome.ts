/**
 * What a command trial's program reported and how it ended: the metric lines collected as they stream
 * (progress forwarded at once, the final values kept, malformed lines counted), and the ending turned into
 * a failed TrialOutcome with a clear message (timeout, abort, non-zero exit with the tail of stderr, or no
 * final line), or null when the trial succeeded.
 */
import type { CommandSpec } from '../../shared/command.js';
import type { GroupCallbacks, TrialOutcome } from '../objective-types.js';
import type { MetricSink, StepMetrics } from './metric-lines.js';
import type { RunEnd } from './process-group.js';

export class MetricCollector implements MetricSink {
  finalValues: Record<string, number> | null = null;
  malformedCount = 0;
  firstMalformed: string | null = null;
  steps = 0;

  constructor(
    private readonly key: string,
    private readonly cb: Pick<GroupCallbacks, 'progress'>,
  ) {}

  step(m: StepMetrics): void {
    this.steps++;
    const values = {
      ...m.values,
      'command.step': m.step,
      ...(this.malformedCount > 0 ? { 'command.malformed_lines': this.malformedCount } : {}),
    };
    this.cb.progress(this.key, { phase: 'command', done: m.step, total: m.total ?? 0, values });
  }

  final(values: Record<string, number>): void {
    this.finalValues = { ...(this.finalValues ?? {}), ...values };
  }

  malformed(line: string, why: string): void {
    this.malformedCount++;
    this.firstMalformed ??= `${why}: ${line.length > 200 ? `${line.slice(0, 197)}...` : line}`;
  }
}

const withTail = (msg: string, tail: string): string =>
  tail.trim() ? `${msg}; stderr tail:\n${tail.trimEnd()}` : `${msg} (stderr empty)`;

/** A failed outcome for how the program ended, or null when it exited 0 with a final line. */
export function describeEnd(end: RunEnd, cmd: CommandSpec, m: MetricCollector): TrialOutcome | null {
  const prog = cmd.argv[0];
  switch (end.kind) {
    case 'spawn-error':
      return { ok: false, error: `cannot start ${prog} (cwd ${cmd.cwd}): ${end.error}`, retryable: true };
    case 'aborted':
      return { ok: false, error: `aborted: ${end.reason} (process group killed)`, retryable: true };
    case 'timeout':
      return {
        ok: false,
        error: withTail(`${prog} timed out after ${cmd.timeout_s} s (timeout_s); process group killed`, end.stderrTail),
        retryable: true,
      };
    case 'exit':
      if (end.code !== 0) {
        const how = end.code === null ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
        return { ok: false, error: withTail(`${prog} ${how}`, end.stderrTail), retryable: true };
      }
      if (m.finalValues === null || Object.keys(m.finalValues).length === 0) {
        const bad =
          m.malformedCount > 0 ? ` (${m.malformedCount} malformed metric line(s), first: ${m.firstMalformed})` : '';
        return {
          ok: false,
          error: `${prog} exited 0 without a final metrics line {"final": {...}} on fd 3 (WEPADIM_METRICS_FD) or stdout after "WEPADIM_METRIC "${bad}`,
          retryable: true,
        };
      }
      return null;
  }
}
