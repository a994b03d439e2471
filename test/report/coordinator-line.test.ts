/** `wepadim status`'s coordinator line: serving, silent (cannot write or down), expired, and the last database error. */
import { describe, expect, it } from 'vitest';
import { coordinatorNote } from '../../coordinator/report/coordinator-line.js';
import type { LeaseHolder } from '../../coordinator/store/coordinator-lease.js';

const T = Date.UTC(2026, 11, 5, 9, 0, 0);
const holder = (o: Partial<LeaseHolder> = {}): LeaseHolder => ({
  holder: 'h',
  host: 'gpu-box',
  pid: 4242,
  address: '10.0.0.5:7070',
  startedAt: T - 60_000,
  heartbeatAt: T - 1_000,
  expiresAt: T + 14_000,
  dbError: null,
  dbErrorSince: null,
  dbErrorUntil: null,
  ...o,
});

describe('coordinator line of wepadim status', () => {
  it('names the serving coordinator and its heartbeat', () => {
    const n = coordinatorNote(holder(), T);
    expect(n.state).toBe('serving');
    expect(n.text).toBe('coordinator: host gpu-box, pid 4242, address 10.0.0.5:7070; heartbeat 1 s ago');
  });

  it('says when it stopped renewing (cannot write, or down), and when its lease expired', () => {
    const silent = coordinatorNote(holder({ heartbeatAt: T - 8_000, expiresAt: T + 7_000 }), T);
    expect(silent.state).toBe('silent');
    expect(silent.text).toContain('NO heartbeat for 8 s: it is down or cannot write the database');
    const expired = coordinatorNote(holder({ heartbeatAt: T - 40_000, expiresAt: T - 25_000 }), T);
    expect(expired.state).toBe('expired');
    expect(expired.text).toContain('its lease expired, another coordinator may take over');
  });

  it('shows the last period database writes failed', () => {
    const n = coordinatorNote(
      holder({
        dbError: 'disk full (SQLITE_FULL: database or disk is full)',
        dbErrorSince: T - 120_000,
        dbErrorUntil: T - 60_000,
      }),
      T,
    );
    expect(n.text.split('\n')[1]).toBe(
      'last database error: disk full (SQLITE_FULL: database or disk is full) from 2026-12-05 08:58:00 to 2026-12-05 08:59:00 UTC',
    );
  });

  it('none', () => {
    expect(coordinatorNote(null, T)).toMatchObject({ state: 'none', text: 'coordinator: none holds this database' });
  });
});
