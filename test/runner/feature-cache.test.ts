import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { featureBatch } from '../../worker/engine/feature-batch.js';
import { FeatureCache, entryBytes, type FeatureEntry } from '../../worker/runner/feature-cache.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wepadim-fc-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function entry(seed: number, n = 2, withTruth = false): FeatureEntry {
  const a = featureBatch(n, 3, 4, 4);
  const b = featureBatch(n, 5, 2, 2);
  a.data.forEach((_, i) => (a.data[i] = seed + i * 0.5));
  b.data.forEach((_, i) => (b.data[i] = -seed - i));
  const truth = withTruth
    ? {
        labels: Uint8Array.from({ length: n }, (_, i) => i % 2),
        masks: new Uint8Array(n * 224 * 224).fill(1, 0, 100),
        defects: Array.from({ length: n }, (_, i) => (i % 2 ? 'crack' : 'good')),
      }
    : null;
  return {
    batches: [a, b],
    extractor: { executor: 'onnx', version: 'ort 1.30', device: 'cpu', weightsId: 'random:0' },
    truth,
  };
}

describe('FeatureCache', () => {
  it('round-trips through the disk layer bit for bit, truth included', async () => {
    const dir = tmp();
    const c1 = new FeatureCache({ memoryBytes: 1 << 30, dir, diskBytes: 1 << 30 });
    const e = entry(3, 3, true);
    await c1.put('k1', e);
    const c2 = new FeatureCache({ memoryBytes: 1 << 30, dir, diskBytes: 1 << 30 });
    const got = await c2.get('k1');
    expect(got?.layer).toBe('disk');
    expect(got?.entry.batches.map((b) => [b.n, b.c, b.h, b.w])).toEqual([
      [3, 3, 4, 4],
      [3, 5, 2, 2],
    ]);
    expect(Array.from(got!.entry.batches[0].data)).toEqual(Array.from(e.batches[0].data));
    expect(Array.from(got!.entry.batches[1].data)).toEqual(Array.from(e.batches[1].data));
    expect(Array.from(got!.entry.truth!.labels)).toEqual([0, 1, 0]);
    expect(got!.entry.truth!.masks.reduce((s, v) => s + v, 0)).toBe(100);
    expect(got!.entry.truth!.defects).toEqual(['good', 'crack', 'good']);
    expect(got!.entry.extractor.weightsId).toBe('random:0');
    expect((await c2.get('k1'))?.layer).toBe('memory');
    expect(await c2.get('nope')).toBeNull();
    expect(c2.hits).toEqual({ memory: 1, disk: 1, miss: 1 });
  });

  it('evicts least recently used entries beyond the memory byte limit', async () => {
    const one = entryBytes(entry(0));
    const c = new FeatureCache({ memoryBytes: one * 2, dir: null, diskBytes: 0 });
    await c.put('a', entry(1));
    await c.put('b', entry(2));
    await c.get('a'); // a is now most recent
    await c.put('c', entry(3));
    expect(await c.get('b')).toBeNull();
    expect((await c.get('a'))?.layer).toBe('memory');
    expect((await c.get('c'))?.layer).toBe('memory');
    expect(c.memoryBytes).toBe(one * 2);
  });

  it('keeps the disk directory within its byte limit', async () => {
    const dir = tmp();
    const one = entryBytes(entry(0));
    const c = new FeatureCache({ memoryBytes: 0, dir, diskBytes: one * 2 + 1000 });
    // last use is the header's mtime: a was used 1000 s ago, b 500 s ago (set, not slept for)
    const usedAgo = (key: string, s: number): void =>
      utimesSync(join(dir, `${key}.json`), new Date(Date.now() - s * 1000), new Date(Date.now() - s * 1000));
    await c.put('a', entry(1));
    usedAgo('a', 1000);
    await c.put('b', entry(2));
    usedAgo('b', 500);
    await c.put('c', entry(3));
    const bins = readdirSync(dir)
      .filter((n) => n.endsWith('.bin'))
      .sort();
    expect(bins).toEqual(['b.bin', 'c.bin']);
  });

  it('treats a truncated data file as a miss', async () => {
    const dir = tmp();
    const c = new FeatureCache({ memoryBytes: 0, dir, diskBytes: 1 << 30 });
    await c.put('a', entry(1));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'a.bin'), Buffer.alloc(8));
    expect(await c.get('a')).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });
});
