import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../worker/client/backoff.js';
import { ResultSpool, type SpooledResult } from '../../worker/client/spool.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wepadim-spool-'));
  dirs.push(d);
  return d;
};
const rec = (leaseId: string, at: number): SpooledResult => ({
  trialId: 3,
  key: 'k',
  leaseId,
  fencingToken: 2,
  finishedAt: at,
  workerId: 'w1',
  outcome: { ok: false, error: 'boom', retryable: true },
});

describe('result spool', () => {
  it('keeps results across instances until every one in a batch is removed, oldest first', async () => {
    const dir = tmp();
    const s = new ResultSpool(dir);
    await s.putBatch([rec('lease-b', 20), rec('lease-c', 30)]);
    await s.putBatch([rec('lease-a', 10)]);
    const again = new ResultSpool(dir); // a restarted worker sees them
    expect(again.list().results.map((r) => r.leaseId)).toEqual(['lease-a', 'lease-b', 'lease-c']);
    await again.remove('lease-b');
    expect(readdirSync(dir).length).toBe(2); // lease-c still holds its batch file
    await again.remove('lease-c');
    await again.remove('lease-a');
    expect(readdirSync(dir)).toEqual([]);
    expect(new ResultSpool(dir).list().results).toEqual([]);
  });
  it('reports corrupt files instead of throwing, and drops temporaries of torn writes', async () => {
    const dir = tmp();
    const s = new ResultSpool(dir);
    writeFileSync(join(dir, 'x.results.json'), '[{"trialId": 1'); // torn write
    writeFileSync(join(dir, '.y.results.json.tmp'), '[');
    await s.putBatch([rec('ok', 1)]);
    const { results, corrupt } = s.list();
    expect(results.map((r) => r.leaseId)).toEqual(['ok']);
    expect(corrupt).toEqual([join(dir, 'x.results.json')]);
    s.cleanTemporaries();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const hi = { baseMs: 100, capMs: 5000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 6, 10].map((n) => backoffDelay(n, hi))).toEqual([99, 199, 399, 799, 4999, 4999]);
    expect(backoffDelay(5, { ...hi, random: () => 0 })).toBe(0);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4, { baseMs: 100, capMs: 5000 })));
    expect(seen.size).toBeGreaterThan(10); // jittered, not lock-step
  });
  it('resets after success', () => {
    const b = new Backoff({ baseMs: 100, capMs: 5000, random: () => 0.5 });
    expect([b.next(), b.next(), b.next()]).toEqual([50, 100, 200]);
    b.reset();
    expect(b.next()).toBe(50);
  });
});
