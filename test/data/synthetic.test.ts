/** The seeded synthetic dataset: MVTec layout, determinism, pixel-exact masks, and loading through the real path. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import {
  detectDatasetKind,
  generateSyntheticDataset,
  listClass,
  listClasses,
  loadBatch,
  loadMasks,
  renderSample,
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_DEFECTS,
} from '../../worker/data/index.js';
import { tempRoot } from './tree-helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

function digestTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

describe('synthetic dataset', () => {
  const spec = { classes: ['grid', 'disc'], train: 3, test: 7, size: 64, seed: 42 };

  it('writes MVTec layout with about half good test images and masks for every defect image', async () => {
    const t = tempRoot('synth-a');
    cleanups.push(t.cleanup);
    const res = await generateSyntheticDataset(t.root, spec);
    expect(res).toEqual({ classes: ['grid', 'disc'], files: 2 * (3 + 7 + 3) });
    expect(detectDatasetKind(t.root)).toBe('folder');
    expect(listClasses('folder', t.root)).toEqual(['disc', 'grid']);
    const l = listClass('folder', t.root, 'disc');
    expect(l.train).toHaveLength(3);
    expect(l.test.filter((s) => s.label === 0)).toHaveLength(4);
    expect(new Set(l.test.filter((s) => s.label === 1).map((s) => s.defect))).toEqual(new Set(SYNTHETIC_DEFECTS.disc));
  });

  it('is byte-identical for a seed (whatever the concurrency) and differs for another seed', async () => {
    const a = tempRoot('synth-b');
    const b = tempRoot('synth-c');
    const c = tempRoot('synth-d');
    cleanups.push(a.cleanup, b.cleanup, c.cleanup);
    await generateSyntheticDataset(a.root, spec, { concurrency: 1 });
    await generateSyntheticDataset(b.root, spec, { concurrency: 4 });
    await generateSyntheticDataset(c.root, { ...spec, seed: 43 });
    const da = digestTree(a.root);
    expect(Object.keys(da)).toHaveLength(2 * 13 + 1);
    expect(digestTree(b.root)).toEqual(da);
    await generateSyntheticDataset(b.root, { ...spec, train: 2 });
    expect(listClass('folder', b.root, 'grid').train).toHaveLength(2); // regenerating replaces the class folders
    const dc = digestTree(c.root);
    const pngs = Object.keys(da).filter((k) => k.endsWith('.png'));
    expect(pngs.filter((k) => dc[k] === da[k])).toEqual([]);
  });

  it('masks are pixel-exact: outside the mask the defective image equals the normal one, inside it differs', () => {
    for (const cls of SYNTHETIC_CLASS_NAMES) {
      for (const defect of SYNTHETIC_DEFECTS[cls as keyof typeof SYNTHETIC_DEFECTS]) {
        const seed = 1000 + cls.length * 7 + defect.length;
        const good = renderSample(cls as 'grid', 96, seed, null);
        const bad = renderSample(cls as 'grid', 96, seed, defect);
        const mask = bad.mask;
        if (mask === null) throw new Error('defect image without mask');
        let inside = 0;
        let changedInside = 0;
        for (let i = 0; i < mask.length; i++) {
          const changed =
            good.rgb[i * 3] !== bad.rgb[i * 3] ||
            good.rgb[i * 3 + 1] !== bad.rgb[i * 3 + 1] ||
            good.rgb[i * 3 + 2] !== bad.rgb[i * 3 + 2];
          if (mask[i]) {
            inside++;
            if (changed) changedInside++;
          } else if (changed) {
            throw new Error(`${cls}/${defect}: pixel ${i} changed outside the mask`);
          }
        }
        expect(inside, `${cls}/${defect}`).toBeGreaterThanOrEqual(8);
        expect(changedInside / inside, `${cls}/${defect}`).toBeGreaterThan(0.8);
      }
    }
  });

  it('loads through the real preprocessing path: masks keep their defects after resize and crop', async () => {
    const t = tempRoot('synth-e');
    cleanups.push(t.cleanup);
    await generateSyntheticDataset(t.root, { classes: ['chip'], train: 1, test: 4, size: 256, seed: 3 });
    const l = listClass('folder', t.root, 'chip');
    const { images, rgb } = await loadBatch(l.test, { concurrency: 2 });
    expect(images.length).toBe(4 * 3 * 224 * 224);
    expect(rgb).toHaveLength(4);
    const masks = await loadMasks(l.test);
    l.test.forEach((s, i) => {
      const ones = masks[i].reduce((a, v) => a + v, 0);
      if (s.label === 0) expect(ones).toBe(0);
      else expect(ones).toBeGreaterThan(20);
    });
  });

  it('rejects bad specs with a clear message', async () => {
    await expect(generateSyntheticDataset('/nonexistent', { ...spec, classes: ['grid', 'zebra'] })).rejects.toThrow(
      /unknown class zebra/,
    );
    await expect(generateSyntheticDataset('/nonexistent', { ...spec, test: 1 })).rejects.toThrow(UserError);
    await expect(generateSyntheticDataset('/nonexistent', { ...spec, size: 16 })).rejects.toThrow(
      /size must be an integer in 32..4096/,
    );
  });
});
