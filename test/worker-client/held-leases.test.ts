import { describe, expect, it } from 'vitest';
import { HeldLeases } from '../../worker/client/held-leases.js';
import { trial } from './units-fixtures.js';

describe('held leases', () => {
  it('tracks leases by id and key, finishes each once, and releases them', () => {
    const h = new HeldLeases();
    h.add([trial(1), trial(2)]);
    expect(h.size).toBe(2);
    expect(h.resolve(['k2', 'nope'], ['L9'])).toEqual(['L9', 'L2']);
    expect(h.markFinished('L1')).toBe(true);
    expect(h.markFinished('L1')).toBe(false);
    expect(h.markFinished('L9')).toBe(false);
    expect(h.running([trial(1), trial(2), trial(3)]).map((t) => t.key)).toEqual(['k2']);
    h.release('L2');
    expect(h.size).toBe(1);
    expect(h.resolve(['k2'], [])).toEqual([]);
    expect(h.trials().map((t) => t.leaseId)).toEqual(['L1']);
  });

  it('aborts one lease or all, and gives an aborted signal for a lease it does not hold', () => {
    const h = new HeldLeases();
    h.add([trial(1), trial(2)]);
    h.abort('L1', 'cancelled: user');
    expect([h.signalFor('L1').aborted, h.signalFor('L1').reason]).toEqual([true, 'cancelled: user']);
    expect(h.signalFor('L2').aborted).toBe(false);
    h.abortAll('worker drained');
    expect(h.signalFor('L2').reason).toBe('worker drained');
    expect(h.signalFor('L7').aborted).toBe(true);
  });

  it('keeps the key of a newer lease of the same trial when the older is released', () => {
    const h = new HeldLeases();
    h.add([trial(1)]);
    h.add([{ ...trial(1), leaseId: 'L1b', fencingToken: 2 }]);
    h.release('L1');
    expect(h.resolve(['k1'], [])).toEqual(['L1b']);
  });
});
