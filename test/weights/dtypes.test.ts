/** The .pth readers (zip and legacy format) on every dtype and view layout torch writes (fixtures from the fixture script). */
import { describe, expect, it } from 'vitest';
import { readStateDict } from '../../worker/weights/read-state-dict.js';
import { fixturePath } from '../models/torchvision-fixtures.js';

describe.each(['dtypes.pth', 'dtypes-legacy.pth'])('%s', (file) => {
  const sd = readStateDict(fixturePath(file));
  const get = (k: string): { shape: number[]; values: number[] } => {
    const t = sd.get(k);
    if (!t) throw new Error(`missing ${k}`);
    return { shape: t.shape, values: Array.from(t.data) };
  };
  const base = Array.from({ length: 12 }, (_, i) => i / 8);

  it('converts fp16, bf16, fp64 and int64 storages to float32', () => {
    expect(get('f16')).toEqual({ shape: [6], values: [-0.5, -0.25, 0, 0.25, 0.5, 0.75] });
    expect(get('bf16')).toEqual({ shape: [3], values: [1, -3.140625, 0.5] });
    expect(get('f64').values).toEqual([Math.fround(0.1), -2.5]);
    expect(get('i64').values).toEqual([7, -3]);
  });

  it('materialises transposed views, storage offsets and shared storages', () => {
    expect(get('shared')).toEqual({ shape: [3, 4], values: base });
    expect(get('offset')).toEqual({ shape: [2, 4], values: base.slice(4) });
    const t = get('strided');
    expect(t.shape).toEqual([4, 3]);
    expect(t.values).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11].map((i) => base[i]));
  });
});
