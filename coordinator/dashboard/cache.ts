/**
 * Answers of the JSON API, kept while the database has not changed: every open page refetches on the same
 * change event, so one computation serves them all. An entry is valid for the live stream's version it was
 * computed at (`data` for results, `live` for views that show heartbeats too).
 */
export type Freshness = 'data' | 'live';

export class ResponseCache {
  private readonly entries = new Map<string, { version: string; body: string }>();

  constructor(private readonly maxEntries = 256) {}

  get(key: string, version: string): string | null {
    const e = this.entries.get(key);
    return e && e.version === version ? e.body : null;
  }

  set(key: string, version: string, body: string): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { version, body });
  }
}

/** Views that show heartbeat ages and worker states must follow every change; the rest only results. */
export function freshnessOf(path: string): Freshness {
  return path === '/api/sweeps' || path === '/api/sweep/status' ? 'live' : 'data';
}
