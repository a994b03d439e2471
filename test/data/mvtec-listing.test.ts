/** MVTec/folder listings (spec 2.1), kind detection, class lists and error messages that name the file. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, UserError } from '../../shared/errors.js';
import {
  checkClassNames,
  detectDatasetKind,
  listClass,
  listClasses,
  resolveDatasetKind,
} from '../../worker/data/index.js';
import { png, tempRoot, textFile } from './tree-helpers.js';

let root: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ root, cleanup } = tempRoot('mvtec'));
  const b = join(root, 'bottle');
  await png(join(b, 'train/good/001.png'), 8, 8, 10);
  await png(join(b, 'train/good/000.png'), 8, 8, 20);
  textFile(join(b, 'train/good/notes.txt'), 'not an image');
  await png(join(b, 'test/good/000.png'), 8, 8, 30);
  await png(join(b, 'test/crack/000.png'), 8, 8, 40);
  await png(join(b, 'test/broken_large/003.png'), 8, 8, 50);
  await png(join(b, 'test/broken_large/001.png'), 8, 8, 60);
  textFile(join(b, 'test/readme.md'), 'stray file, not a folder');
  for (const [d, s] of [
    ['crack', '000'],
    ['broken_large', '003'],
    ['broken_large', '001'],
  ]) {
    await png(join(b, `ground_truth/${d}/${s}_mask.png`), 8, 8, 255, 1);
  }
  mkdirSync(join(root, 'cable', 'train'), { recursive: true }); // no test/: not a class
  mkdirSync(join(root, '.cache', 'train'), { recursive: true });
  mkdirSync(join(root, '.cache', 'test'), { recursive: true });
});
afterAll(() => cleanup());

describe('MVTec layout', () => {
  it('lists folders in sorted order, .png only, good = normal, masks from ground_truth/<defect>/<stem>_mask.png', () => {
    const l = listClass('mvtec', root, 'bottle');
    expect(l.train.map((s) => s.path.slice(root.length))).toEqual([
      '/bottle/train/good/000.png',
      '/bottle/train/good/001.png',
    ]);
    expect(l.train.every((s) => s.label === 0 && s.maskPath === null && s.defect === 'good')).toBe(true);
    expect(
      l.test.map((s) => [s.path.slice(root.length), s.label, s.defect, s.maskPath?.slice(root.length) ?? null]),
    ).toEqual([
      ['/bottle/test/broken_large/001.png', 1, 'broken_large', '/bottle/ground_truth/broken_large/001_mask.png'],
      ['/bottle/test/broken_large/003.png', 1, 'broken_large', '/bottle/ground_truth/broken_large/003_mask.png'],
      ['/bottle/test/crack/000.png', 1, 'crack', '/bottle/ground_truth/crack/000_mask.png'],
      ['/bottle/test/good/000.png', 0, 'good', null],
    ]);
    expect(l).toMatchObject({ kind: 'mvtec', root, className: 'bottle' });
  });

  it('class list: folders with train/ and test/, no dot-folders', () => {
    expect(listClasses('mvtec', root)).toEqual(['bottle']);
  });

  it('auto-detects mvtec for canonical names, folder for custom names, visa for Data/, mvtec otherwise', () => {
    expect(detectDatasetKind(root)).toBe('mvtec');
    const t = tempRoot('detect');
    try {
      mkdirSync(join(t.root, 'widget', 'train'), { recursive: true });
      mkdirSync(join(t.root, 'widget', 'test'), { recursive: true });
      expect(detectDatasetKind(t.root)).toBe('folder');
      expect(resolveDatasetKind('AUTO', t.root)).toBe('folder');
      const v = tempRoot('detect-visa');
      mkdirSync(join(v.root, 'pcb1', 'Data'), { recursive: true });
      expect(detectDatasetKind(v.root)).toBe('visa');
      v.cleanup();
      const e = tempRoot('detect-empty');
      expect(detectDatasetKind(e.root)).toBe('mvtec');
      e.cleanup();
    } finally {
      t.cleanup();
    }
    expect(() => resolveDatasetKind('imagenet', root)).toThrow(/unknown dataset kind 'imagenet'/);
  });

  it('explicit class lists are checked against the canonical names for mvtec and visa only', () => {
    expect(() => checkClassNames('mvtec', ['bottle', 'widget'])).toThrow(UserError);
    expect(() => checkClassNames('mvtec', ['bottle', 'widget'])).toThrow(/not an MVTec AD class: widget/);
    expect(() => checkClassNames('visa', ['pcb1', 'bottle'])).toThrow(/not a VisA class: bottle/);
    expect(() => checkClassNames('folder', ['widget'])).not.toThrow();
    expect(() => checkClassNames('mvtec', ['bottle', 'zipper'])).not.toThrow();
  });
});

describe('MVTec errors name the file', () => {
  it('missing ground-truth mask', async () => {
    const t = tempRoot('nomask');
    try {
      await png(join(t.root, 'c/train/good/000.png'), 4, 4, 1);
      await png(join(t.root, 'c/test/hole/007.png'), 4, 4, 1);
      const mask = join(t.root, 'c/ground_truth/hole/007_mask.png');
      expect(() => listClass('folder', t.root, 'c')).toThrow(DataError);
      expect(() => listClass('folder', t.root, 'c')).toThrow(
        `${mask}: ground-truth mask missing for ${join(t.root, 'c/test/hole/007.png')}`,
      );
    } finally {
      t.cleanup();
    }
  });

  it('empty class, missing class, missing root', async () => {
    const t = tempRoot('empty');
    try {
      mkdirSync(join(t.root, 'c/train/good'), { recursive: true });
      await png(join(t.root, 'c/test/good/000.png'), 4, 4, 1);
      expect(() => listClass('folder', t.root, 'c')).toThrow(
        `${join(t.root, 'c/train')}: class 'c' has no training images (.png under train/*/)`,
      );
      expect(() => listClass('folder', t.root, 'nope')).toThrow(
        `${join(t.root, 'nope')}: class 'nope' not found (expected a directory)`,
      );
      expect(() => listClass('folder', join(t.root, 'missing'), 'c')).toThrow(
        `${join(t.root, 'missing')}: dataset root not found`,
      );
      expect(() => listClass('folder', t.root, '../etc')).toThrow(/invalid class name/);
    } finally {
      t.cleanup();
    }
  });
});
