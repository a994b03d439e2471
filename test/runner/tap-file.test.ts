/**
 * Taps in a file: written chunk by chunk as the backbone produces them (TapCollector + TapFile), read back by
 * FileTapSource with the same values as the in-memory taps, and the DWT blocks from file sources are bit-identical.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShapeError } from '../../shared/errors.js';
import { subbandBlocks } from '../../worker/engine/embedding.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import { tapKind } from '../../worker/engine/tap-source.js';
import { fromWire, toWire } from '../../worker/runner/engine-thread.js';
import { TapFile, type FileTapSource, type TapShape } from '../../worker/runner/tap-file.js';
import { TapCollector, tapMemoryBudget } from '../../worker/runner/tap-sink.js';
import { rand } from '../engine/prng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'wepadim-tapfile-'));
  dirs.push(d);
  return d;
};

/** Two taps of `n` images with seeded values (as a backbone's layer1/layer2 would give). */
function taps(n: number, seed: number): FeatureBatch[] {
  return [featureBatch(n, 3, 8, 8, rand(seed, n * 3 * 64)), featureBatch(n, 5, 4, 4, rand(seed + 1, n * 5 * 16))];
}

/** Images [i0, i1) of each tap as its own batch (one backbone chunk). */
const chunkOf = (all: FeatureBatch[], i0: number, i1: number): FeatureBatch[] =>
  all.map((t) => {
    const per = t.c * t.h * t.w;
    return featureBatch(i1 - i0, t.c, t.h, t.w, t.data.slice(i0 * per, i1 * per));
  });

/** Feed `all` to a collector in chunks of 4 (the last one short), as extractSplit does. */
async function collect(all: FeatureBatch[], toFile: string | null): Promise<TapCollector> {
  const n = all[0].n;
  const acc = new TapCollector(n, async (_bytes, shapes: TapShape[]) =>
    toFile === null ? null : new TapFile(toFile, shapes, true),
  );
  for (let i = 0; i < n; i += 4) await acc.add(chunkOf(all, i, Math.min(n, i + 4)));
  return acc;
}

function fromFile(acc: TapCollector, label: string): { sources: FileTapSource[]; file: TapFile } {
  const r = acc.result(label);
  if (!r.file) throw new Error('expected the taps in a file');
  return { sources: r.taps, file: r.file };
}

const bits = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('tap files', () => {
  it('hold the taps written chunk by chunk, read back image ranges with the in-memory values', async () => {
    const all = taps(11, 5);
    const path = join(tmp(), 'taps');
    const acc = await collect(all, path);
    expect(acc.memoryBytes).toBe(0); // the split's taps were never allocated in memory
    const { sources, file } = fromFile(acc, 'train');
    expect(existsSync(path)).toBe(false); // anonymous: unlinked at once, readable through its fd
    expect(sources.map(tapKind)).toEqual(['file', 'file']);
    for (let t = 0; t < 2; t++) {
      const per = all[t].c * all[t].h * all[t].w;
      expect(bits(sources[t].read(0, 11))).toEqual(bits(all[t].data));
      expect(bits(sources[t].read(3, 9))).toEqual(bits(all[t].data.subarray(3 * per, 9 * per)));
      // a caller's buffer is filled and its prefix returned; one too small is not used
      const into = new Float32Array(7 * per).fill(-1);
      const got = sources[t].read(4, 6, into);
      expect(got.buffer).toBe(into.buffer);
      expect(bits(got)).toEqual(bits(all[t].data.subarray(4 * per, 6 * per)));
      expect(sources[t].read(0, 8, into).buffer).not.toBe(into.buffer);
    }
    // the descriptor that crosses to the engine thread reads the same
    const again = fromWire(toWire(sources[1]));
    expect(tapKind(again)).toBe('file');
    expect(
      bits(subbandBlocks([again], { wavelet: 'haar', level: 1, mode: 'zero', align: 'down' }).blocks.LL!.data),
    ).toEqual(
      bits(subbandBlocks([all[1]], { wavelet: 'haar', level: 1, mode: 'zero', align: 'down' }).blocks.LL!.data),
    );
    file.close();

    const mem = await collect(all, null);
    expect(mem.memoryBytes).toBe(11 * (3 * 64 + 5 * 16) * 4);
    expect(mem.result('train').taps.map(tapKind)).toEqual(['memory', 'memory']);
  });

  it('give DWT blocks bit-identical to the in-memory taps (chunks that do not divide the images)', async () => {
    const all = taps(19, 9);
    const acc = await collect(all, join(tmp(), 'taps'));
    const { sources, file } = fromFile(acc, 'test');
    for (const dwt of [
      { wavelet: 'db2', level: 1, mode: 'zero', align: 'down' },
      { wavelet: 'haar', level: 2, mode: 'symmetric', align: 'up' },
    ] as const) {
      const a = subbandBlocks(all, dwt, ['LL', 'LH', 'HL', 'HH'], 4);
      const b = subbandBlocks(sources, dwt, ['LL', 'LH', 'HL', 'HH'], 4);
      expect([b.n, b.h, b.w]).toEqual([a.n, a.h, a.w]);
      for (const s of ['LL', 'LH', 'HL', 'HH'] as const)
        expect(bits(b.blocks[s]!.data)).toEqual(bits(a.blocks[s]!.data));
    }
    file.close();
  });

  it('name the image and tap of a non-finite value read from the file', async () => {
    const all = taps(6, 2);
    all[1].data[4 * 5 * 16 + 17] = Number.NaN; // image 4 of tap 1
    const acc = await collect(all, join(tmp(), 'taps'));
    const { sources, file } = fromFile(acc, 'train');
    expect(() => sources[0].read(0, 6)).not.toThrow();
    let err: unknown;
    try {
      sources[1].read(2, 6);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as ShapeError).message).toMatch(/^NaN in train features of tap 1 /);
    expect((err as ShapeError).sizes).toMatchObject({ tap: 1, image: 4, channel: 1 });
    file.close();
  });

  it('keep a split in memory only within a quarter of what is left of the budget (or half the available memory)', () => {
    const GB = 1024 ** 3;
    const withBudget = tapMemoryBudget(process.memoryUsage.rss() + 4 * GB);
    expect(withBudget).toBeLessThanOrEqual(GB);
    expect(withBudget).toBeGreaterThan(0.95 * GB); // the RSS does not grow by 200 MB between the two reads
    expect(tapMemoryBudget(process.memoryUsage.rss() - 1)).toBe(0); // already over: every split goes to a file
    const auto = tapMemoryBudget(undefined);
    expect(auto).toBeGreaterThan(0);
    expect(auto).toBeLessThanOrEqual(totalmem() / 2);
  });
});
