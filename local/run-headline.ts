/**
 * The first lines `wepadim run` prints when it ends: what happened to every trial (done, failed, still leased by
 * workers that were stopped, pending) and, for a worker that died, its last meaningful lines in words, not raw events.
 */
import type { LocalRunSummary } from './run-local.js';

type HeadlineInput = Pick<LocalRunSummary, 'interrupted' | 'counts' | 'elapsed_s' | 'dbPath'>;

/** "Finished: …" or "Stopped: …", naming the trials that were leased (in flight) when the run stopped. */
export function runHeadline(s: HeadlineInput): string {
  const c = s.counts;
  const inFlight = (c.leased ?? 0) + (c.running ?? 0);
  const parts = [`${c.done ?? 0} done`, `${c.failed ?? 0} failed`];
  if (inFlight) parts.push(`${inFlight} leased`);
  parts.push(`${c.pending ?? 0} pending`);
  const lines = [`${s.interrupted ? 'Stopped' : 'Finished'}: ${parts.join(', ')} in ${s.elapsed_s.toFixed(1)} s`];
  if (inFlight) lines.push(`The ${inFlight} leased trials were in flight: they go back to the queue on the next run.`);
  if (s.interrupted) lines.push('Run the same command again to resume.');
  lines.push(`Database: ${s.dbPath}`);
  return lines.join('\n') + '\n';
}

/**
 * A dead worker's last lines for a person: its warnings and errors as "level: message", failed trials as
 * "FAILED key: error", plain text as is; protocol events (leased, delivered, uploaded, ...) are left out.
 */
export function workerTailText(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let j: { type?: string; level?: string; msg?: string; ok?: boolean; key?: string; error?: string };
    try {
      j = JSON.parse(line) as typeof j;
    } catch {
      if (line.trim()) out.push(line.trim());
      continue;
    }
    if (j.type === 'finished' && j.ok === false) out.push(`FAILED ${(j.key ?? '').slice(0, 12)}: ${j.error ?? ''}`);
    else if (j.level === 'error' || j.level === 'warn' || j.level === 'fatal') out.push(`${j.level}: ${j.msg ?? ''}`);
  }
  return out;
}
