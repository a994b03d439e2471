/**
 * Open Control streams, per worker. Cancel and drain orders are queued per stream and written with
 * backpressure: when `write` returns false, later messages wait for the stream's 'drain' event. A stream
 * whose queue grows past a bound (a client that stopped reading) is ended; the worker reopens it.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ControlMessage } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import type { ControlRequest__Output } from '../../proto/gen/wepadim/v1/ControlRequest.js';

type ControlCall = grpc.ServerWritableStream<ControlRequest__Output, ControlMessage>;

const MAX_QUEUE = 1000;

class ControlStream {
  private queue: ControlMessage[] = [];
  private blocked = false;
  closed = false;

  constructor(readonly call: ControlCall) {
    call.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  send(msg: ControlMessage): void {
    if (this.closed) return;
    this.queue.push(msg);
    if (this.queue.length > MAX_QUEUE) {
      this.end();
      return;
    }
    this.flush();
  }

  private flush(): void {
    while (!this.blocked && !this.closed && this.queue.length) {
      const msg = this.queue.shift() as ControlMessage;
      if (!this.call.write(msg)) this.blocked = true;
    }
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.call.end();
  }
}

export class ControlHub {
  private readonly streams = new Map<string, Set<ControlStream>>();

  /** Keep the stream until the client goes away; returns a function that detaches it. */
  attach(workerId: string, call: ControlCall): void {
    const s = new ControlStream(call);
    let set = this.streams.get(workerId);
    if (!set) this.streams.set(workerId, (set = new Set()));
    set.add(s);
    const detach = (): void => {
      s.closed = true;
      set.delete(s);
      if (set.size === 0 && this.streams.get(workerId) === set) this.streams.delete(workerId);
    };
    call.on('cancelled', detach);
    call.on('close', detach);
    call.on('error', detach);
    s.send({ welcome: { server_time_ms: Date.now() } });
  }

  isConnected(workerId: string): boolean {
    return (this.streams.get(workerId)?.size ?? 0) > 0;
  }

  /** Send to every open stream of the worker; returns how many streams got it. */
  send(workerId: string, msg: ControlMessage): number {
    const set = this.streams.get(workerId);
    if (!set) return 0;
    for (const s of set) s.send(msg);
    return set.size;
  }

  cancel(workerId: string, trialKeys: string[], leaseIds: string[], reason: string): number {
    return this.send(workerId, { cancel: { trial_keys: trialKeys, lease_ids: leaseIds, reason } });
  }

  drain(workerId: string, reason: string): number {
    return this.send(workerId, { drain: { reason } });
  }

  /** End every stream (shutdown). */
  endAll(): void {
    for (const set of this.streams.values()) for (const s of set) s.end();
    this.streams.clear();
  }
}
