import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ControlHub } from '../../coordinator/server/control-hub.js';

/** A stand-in for a grpc-js server stream whose write() reports a full buffer while `full` is set. */
class FakeStream extends EventEmitter {
  written: unknown[] = [];
  ended = false;
  full = false;
  write(msg: unknown): boolean {
    this.written.push(msg);
    return !this.full;
  }
  end(): void {
    this.ended = true;
  }
}

const attach = (hub: ControlHub, id: string, s: FakeStream): void =>
  hub.attach(id, s as unknown as Parameters<ControlHub['attach']>[1]);

describe('ControlHub', () => {
  it('holds messages while the stream is full and sends them in order on drain', () => {
    const hub = new ControlHub();
    const s = new FakeStream();
    attach(hub, 'w', s);
    expect(s.written).toHaveLength(1); // welcome
    s.full = true;
    hub.cancel('w', ['k1'], ['l1'], 'r');
    expect(s.written).toHaveLength(2); // accepted by write, which then reported a full buffer
    hub.cancel('w', ['k2'], ['l2'], 'r');
    hub.drain('w', 'bye');
    expect(s.written).toHaveLength(2);
    s.full = false;
    s.emit('drain');
    expect(s.written.slice(1)).toEqual([
      { cancel: { trial_keys: ['k1'], lease_ids: ['l1'], reason: 'r' } },
      { cancel: { trial_keys: ['k2'], lease_ids: ['l2'], reason: 'r' } },
      { drain: { reason: 'bye' } },
    ]);
  });

  it('ends a stream whose reader stopped, and forgets closed streams', () => {
    const hub = new ControlHub();
    const stuck = new FakeStream();
    stuck.full = true;
    attach(hub, 'w', stuck);
    for (let i = 0; i < 1001; i++) hub.drain('w', String(i));
    expect(stuck.ended).toBe(true);
    const other = new FakeStream();
    attach(hub, 'x', other);
    expect(hub.isConnected('x')).toBe(true);
    other.emit('cancelled');
    expect(hub.isConnected('x')).toBe(false);
    expect(hub.drain('x', 'nobody listens')).toBe(0);
  });
});
