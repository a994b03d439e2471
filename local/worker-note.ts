/** The note beside a worker's line in the `wepadim run` view, from one of the worker's output lines. */
import { shortKey } from '../shared/trial.js';

/** A short note for a worker's bar from one of its lines (worker events on stdout, JSON logs on stderr). */
export function noteOf(line: string): string | null {
  try {
    const j = JSON.parse(line) as {
      type?: string;
      msg?: string;
      level?: string;
      trialKeys?: string[];
      key?: string;
      ok?: boolean;
      error?: string;
      during?: string;
    };
    switch (j.type) {
      case 'leased':
        return `lease of ${j.trialKeys?.length ?? 0} trials`;
      case 'finished':
        return j.ok
          ? `finished ${shortKey(j.key ?? '')}`
          : `FAILED ${shortKey(j.key ?? '')}: ${j.error ?? ''}`.slice(0, 70);
      case 'disconnected':
        return `coordinator unreachable (${j.during ?? ''})`;
      case 'registered':
      case 'draining':
      case 'stopped':
        return j.type;
      default:
        break;
    }
    // the view shows the random-weights notice once, above the workers
    if (j.msg?.includes('RANDOM WEIGHTS')) return null;
    if (j.level === 'error' || j.level === 'warn') return `${j.level}: ${j.msg ?? ''}`.slice(0, 70);
    return null;
  } catch {
    return line.trim() ? line.trim().slice(0, 70) : null;
  }
}
