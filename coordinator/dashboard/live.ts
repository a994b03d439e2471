/**
 * The live stream: server-sent events telling open pages that the database changed. One poller per
 * dashboard reads SQLite's data_version every `intervalMs` (free: no table is read); only when another
 * connection committed does it read the watermark (max row ids, trial states, heartbeats) and, if that
 * moved, send one `change` event to every client: `data` moves with results and trial states, `live`
 * with heartbeats alone, so pages refetch only what can have changed.
 */
import type { ServerResponse } from 'node:http';
import type { DashboardReads, Watermark } from '../store/reads/dashboard.js';

export interface ChangeEvent {
  /** increases with every change of results, attempts, events or trial states */
  data: number;
  /** increases with every change at all (heartbeats and worker states too) */
  live: number;
  /** server time of the check that saw it (ms since the epoch) */
  at: number;
}

export class LiveStream {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private lastVersion = -1;
  private last: Watermark | null = null;
  private current: ChangeEvent = { data: 0, live: 0, at: Date.now() };
  private readonly ping: NodeJS.Timeout;

  constructor(
    private readonly store: DashboardReads,
    private readonly intervalMs = 250,
  ) {
    this.check();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
    // a comment line now and then keeps proxies from closing an idle stream
    this.ping = setInterval(() => this.broadcast(': ping\n\n'), 15_000);
    this.ping.unref();
  }

  get state(): ChangeEvent {
    return this.current;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Look for a change now (the poller calls it; tests and the embedded coordinator may too). */
  check(): void {
    const v = this.store.dataVersion();
    if (v === this.lastVersion && this.last) return;
    this.lastVersion = v;
    const w = this.store.watermark();
    const prev = this.last;
    this.last = w;
    if (!prev) return;
    const dataMoved =
      w.metric !== prev.metric || w.attempt !== prev.attempt || w.event !== prev.event || w.states !== prev.states;
    const liveMoved = dataMoved || w.heartbeat !== prev.heartbeat || w.workers !== prev.workers;
    if (!liveMoved) return;
    this.current = { data: this.current.data + (dataMoved ? 1 : 0), live: this.current.live + 1, at: Date.now() };
    this.broadcast(`event: change\ndata: ${JSON.stringify(this.current)}\n\n`);
  }

  /** Turn a response into an event stream; the current state is sent at once. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 1000\nevent: change\ndata: ${JSON.stringify(this.current)}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private broadcast(text: string): void {
    for (const c of this.clients) c.write(text);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    clearInterval(this.ping);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
