import { describe, expect, it } from 'vitest';
import { subbandBlocks } from '../../worker/engine/embedding.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import {
  addBlockCross,
  addBlockGram,
  addBlockStats,
  centered,
  factorWoodbury,
  positionMean,
} from '../../worker/engine/gaussian.js';
import { rand } from './prng.js';

/** The memory-saving paths compute exactly (bit for bit) what the plain paths compute. */
const taps = (n: number, seed: number): FeatureBatch[] => [
  featureBatch(n, 4, 16, 16, rand(seed, n * 4 * 256)),
  featureBatch(n, 6, 8, 8, rand(seed + 1, n * 6 * 64)),
];

describe('memory-saving engine paths', () => {
  it('subbandBlocks in image chunks and for a subset of subbands equals the whole batch at once', () => {
    const x = taps(7, 3);
    const dwt = { wavelet: 'sym4', level: 2, mode: 'symmetric', align: 'down' } as const;
    const whole = subbandBlocks(x, dwt, undefined, 1000);
    const chunked = subbandBlocks(x, dwt, undefined, 3);
    const some = subbandBlocks(x, dwt, ['HL', 'LL'], 2);
    expect(Object.keys(whole.blocks).sort()).toEqual(['HH', 'HL', 'LH', 'LL']);
    expect(Object.keys(some.blocks).sort()).toEqual(['HL', 'LL']);
    for (const b of ['LL', 'LH', 'HL', 'HH'] as const) {
      expect(chunked.blocks[b]?.c).toBe(whole.blocks[b]?.c);
      expect(Array.from(chunked.blocks[b]?.data ?? [])).toEqual(Array.from(whole.blocks[b]?.data ?? []));
    }
    expect(Array.from(some.blocks.HL?.data ?? [])).toEqual(Array.from(whole.blocks.HL?.data ?? []));
    expect(whole.blocks.LH?.data.some((v) => v !== 0)).toBe(true);
  });

  it('addBlockStats (centred per position chunk) equals centring the whole block first', () => {
    const train = featureBatch(9, 5, 3, 4, rand(11, 9 * 5 * 12));
    const test = featureBatch(4, 5, 3, 4, rand(12, 4 * 5 * 12));
    const p = 12;
    const mean = positionMean(train);
    const xc = centered(train, mean);
    const z = centered(test, mean);
    const g1 = new Float64Array(p * 81),
      c1 = new Float64Array(p * 36),
      s1 = new Float64Array(p * 4);
    addBlockGram(xc, g1);
    addBlockCross(xc, z, c1, s1);
    for (const chunk of [1, 5, 12, 64]) {
      const g2 = new Float64Array(p * 81),
        c2 = new Float64Array(p * 36),
        s2 = new Float64Array(p * 4);
      addBlockStats(train, test, g2, c2, s2, chunk);
      expect(Array.from(g2)).toEqual(Array.from(g1));
      expect(Array.from(c2)).toEqual(Array.from(c1));
      expect(Array.from(s2)).toEqual(Array.from(s1));
    }
    expect(g1.some((v) => v !== 0)).toBe(true);
  });

  it('factorWoodbury in place equals the allocating factorisation', () => {
    const train = featureBatch(6, 3, 2, 2, rand(21, 6 * 3 * 4)); // D = 3 < N: the jitter matters for cov_reg 0
    const xc = centered(train, positionMean(train));
    const gram = new Float64Array(4 * 36);
    addBlockGram(xc, gram);
    const fresh = factorWoodbury(gram, 6, 4, 0);
    const inPlace = gram.slice();
    const f = factorWoodbury(inPlace, 6, 4, 0, undefined, inPlace);
    expect(f.chol).toBe(inPlace);
    expect(Array.from(f.chol)).toEqual(Array.from(fresh.chol));
    expect(Array.from(f.lambda)).toEqual(Array.from(fresh.lambda));
  });
});
