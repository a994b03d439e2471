import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { featureBatch } from '../../worker/engine/feature-batch.js';
import { FeatureCache, entryBytes, type FeatureEntry } from '../../worker/runner/feature-cache.js';
import { TapFile } from '../../worker/runner/tap-file.js';

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

  it('hands out a disk entry over the memory limit as file sources with the same values, truth in memory', async () => {
    const dir = tmp();
    const e = entry(4, 3, true);
    await new FeatureCache({ memoryBytes: 1 << 30, dir, diskBytes: 1 << 30 }).put('k', e);
    const c = new FeatureCache({ memoryBytes: 1 << 30, dir, diskBytes: 1 << 30 });
    const tapBytes = (3 * 3 * 16 + 3 * 5 * 4) * 4;
    const hit = await c.lookup('k', tapBytes - 1, 'test');
    if (!hit || !('file' in hit)) throw new Error(`expected a file hit, got ${JSON.stringify(hit)}`);
    expect(hit.layer).toBe('disk');
    expect(hit.file.taps.map((t) => [t.kind, t.n, t.c, t.h, t.w])).toEqual([
      ['file', 3, 3, 4, 4],
      ['file', 3, 5, 2, 2],
    ]);
    expect(Array.from(hit.file.taps[0].read(0, 3))).toEqual(Array.from(e.batches[0].data));
    expect(Array.from(hit.file.taps[1].read(1, 3))).toEqual(Array.from(e.batches[1].data.subarray(20)));
    expect(Array.from(hit.file.truth!.labels)).toEqual([0, 1, 0]);
    expect(hit.file.truth!.masks.reduce((s, v) => s + v, 0)).toBe(100);
    hit.file.close();
    expect(c.inMemory('k')).toBe(false); // a file hit is not put in the memory layer
    const inMem = await c.lookup('k', tapBytes, 'test');
    expect(inMem && 'entry' in inMem && Array.from(inMem.entry.batches[1].data)).toEqual(Array.from(e.batches[1].data));
  });

  it('adopts taps written to a spill path as an entry that reads back bit for bit', async () => {
    const dir = tmp();
    const e = entry(6, 4, true);
    const c = new FeatureCache({ memoryBytes: 0, dir, diskBytes: 1 << 30 });
    expect(await c.spillPath('big', (1 << 30) + 1)).toBeNull(); // over the disk limit: the caller spills elsewhere
    const path = await c.spillPath('s', entryBytes(e));
    if (!path) throw new Error('no spill path');
    const file = new TapFile(path, e.batches, false);
    await file.write(e.batches, 0);
    await c.adopt('s', file, e.extractor, e.truth);
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['s.bin', 's.json']);
    const got = await new FeatureCache({ memoryBytes: 0, dir, diskBytes: 1 << 30 }).get('s');
    expect(got?.layer).toBe('disk');
    expect(Array.from(got!.entry.batches[0].data)).toEqual(Array.from(e.batches[0].data));
    expect(Array.from(got!.entry.batches[1].data)).toEqual(Array.from(e.batches[1].data));
    expect(Array.from(got!.entry.truth!.labels)).toEqual([0, 1, 0, 1]);
    expect(Array.from(got!.entry.truth!.masks)).toEqual(Array.from(e.truth!.masks));
    expect(got!.entry.truth!.defects).toEqual(e.truth!.defects);
  });
});
