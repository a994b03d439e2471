import { describe, expect, it } from 'vitest';
import { holdoutSplit, seededRandom } from '../../worker/runner/holdout.js';

describe('seededRandom', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xa);
    expect([c(), c(), c()]).not.toEqual(xa);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });
  it('is roughly uniform', () => {
    const r = seededRandom(123);
    let s = 0;
    for (let i = 0; i < 10000; i++) s += r();
    expect(s / 10000).toBeGreaterThan(0.48);
    expect(s / 10000).toBeLessThan(0.52);
  });
});

describe('holdoutSplit', () => {
  const labels = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1]); // 10 good, 10 bad
  it('partitions the test set, stratified by label', () => {
    const { selection, report } = holdoutSplit(labels, { holdout: 0.5, seed: 1 });
    const all = [...selection, ...report].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const goodSel = [...selection].filter((i) => labels[i] === 0).length;
    const badSel = [...selection].filter((i) => labels[i] === 1).length;
    expect(goodSel).toBe(5);
    expect(badSel).toBe(5);
  });
  it('is seeded: same seed same split, other seed other split', () => {
    const a = holdoutSplit(labels, { holdout: 0.5, seed: 1 });
    const b = holdoutSplit(labels, { holdout: 0.5, seed: 1 });
    const c = holdoutSplit(labels, { holdout: 0.5, seed: 2 });
    expect([...b.selection]).toEqual([...a.selection]);
    expect([...c.selection]).not.toEqual([...a.selection]);
  });
  it('keeps both parts non-empty per label, and honours the fraction', () => {
    const l = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const { selection, report } = holdoutSplit(l, { holdout: 0.25, seed: 3 });
    expect([...selection].filter((i) => l[i] === 0).length).toBe(1);
    expect([...report].filter((i) => l[i] === 0).length).toBe(1);
    expect([...selection].filter((i) => l[i] === 1).length).toBe(3); // round(0.25*10)
  });
  it('rejects a holdout outside (0, 1)', () => {
    expect(() => holdoutSplit(labels, { holdout: 1, seed: 1 })).toThrow(/holdout/);
  });
});
