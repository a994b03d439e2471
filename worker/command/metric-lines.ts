/**
 * The metrics protocol of a command trial: one JSON object per line, `{"step": 3, "loss": 0.2}` for progress
 * and `{"final": {"loss": 0.1}}` at the end, on the file descriptor the program is given (WEPADIM_METRICS_FD)
 * or on stdout after the prefix `WEPADIM_METRIC `. A line that is not such an object is counted as
 * malformed (its first example kept), never thrown.
 */

export const STDOUT_PREFIX = 'WEPADIM_METRIC ';
/** Longest line accepted; a longer one is malformed (and its bytes are dropped as they arrive). */
export const MAX_LINE = 64 * 1024;

export interface StepMetrics {
  step: number;
  total: number | null;
  values: Record<string, number>;
}

export interface MetricSink {
  step(m: StepMetrics): void;
  final(values: Record<string, number>): void;
  malformed(line: string, why: string): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numbersOnly = (o: Record<string, unknown>): o is Record<string, number> =>
  Object.values(o).every((x) => typeof x === 'number' && Number.isFinite(x));

/** Parse one metrics line into the sink. */
export function parseMetricLine(line: string, sink: MetricSink): void {
  const text = line.trim();
  if (text === '') return;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return sink.malformed(line, 'not JSON');
  }
  if (!isRecord(v)) return sink.malformed(line, 'not a JSON object');
  if ('final' in v) {
    const f = v.final;
    if (!isRecord(f) || Object.keys(v).length !== 1 || !numbersOnly(f))
      return sink.malformed(line, 'final must be {"final": {name: number, ...}} alone');
    return sink.final(f);
  }
  const { step, total, ...values } = v;
  if (typeof step !== 'number' || !Number.isFinite(step))
    return sink.malformed(line, 'a progress line needs a numeric "step"');
  if (total !== undefined && (typeof total !== 'number' || !Number.isFinite(total)))
    return sink.malformed(line, '"total" must be a number');
  if (!numbersOnly(values)) return sink.malformed(line, 'metric values must be finite numbers');
  sink.step({ step, total: total ?? null, values });
}

/** Splits a byte stream into lines (a chunk may end mid-line); overlong lines become malformed. */
export class LineSplitter {
  private rest = '';
  private overlong = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: () => void,
  ) {}

  push(chunk: Buffer | string): void {
    const parts = (this.rest + chunk.toString()).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) {
      if (this.overlong) {
        this.overlong = false; // the tail of an overlong line
        continue;
      }
      this.onLine(p);
    }
    if (this.rest.length > MAX_LINE) {
      if (!this.overlong) this.onOverlong();
      this.overlong = true;
      this.rest = '';
    }
  }

  end(): void {
    if (this.rest && !this.overlong) this.onLine(this.rest);
    this.rest = '';
  }
}
