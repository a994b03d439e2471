/**
 * Weights that are wrong but look right (issue 11, item 5): a checkpoint of a deeper architecture imported
 * under a shallower name, and NaN, infinite or negative-variance values, are refused at import, naming the
 * tensors; `--allow-extra` accepts extra tensors on purpose. Only regular files are read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import { fullStateDict } from '../../worker/weights/architecture.js';
import { writeSafetensors } from '../../worker/weights/safetensors.js';
import { importWeights, listWeights } from '../../worker/weights/store.js';
import type { StateDict } from '../../worker/weights/tensors.js';

const tmp = mkdtempSync(join(tmpdir(), 'wepadim-arch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PATTERN = Float32Array.from({ length: 997 }, (_, i) => ((i * 7919) % 997) / 997 - 0.5);

/** Every tensor of a torchvision state_dict of `b` (the head with `classes` outputs), with harmless values. */
function fullDict(b: Backbone, classes = 1000): StateDict {
  const sd: StateDict = new Map();
  for (const [name, want] of fullStateDict(b)) {
    const shape = want.map((d) => (d < 0 ? classes : d));
    const n = shape.reduce((a, d) => a * d, 1);
    const data = new Float32Array(n);
    if (name.endsWith('running_var')) data.fill(1);
    else for (let i = 0; i < n; i++) data[i] = PATTERN[i % PATTERN.length];
    sd.set(name, { shape, data });
  }
  return sd;
}

/** Only the tensors of `b`'s truncated graph and its deeper blocks up to layer3 (a smaller file for the CLI). */
function truncatedDict(b: Backbone): StateDict {
  return new Map([...fullDict(b)].filter(([name]) => /^(conv1|bn1|layer[123])\./.test(name)));
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('full torchvision state_dicts', () => {
  it('hold the tensor counts torchvision saves (resnet18 122, resnet34 218, wide_resnet50_2 320, efficientnet-b0 360)', () => {
    expect(fullStateDict('resnet18').size).toBe(122);
    expect(fullStateDict('resnet34').size).toBe(218);
    expect(fullStateDict('wide_resnet50_2').size).toBe(320);
    expect(fullStateDict('efficientnet-b0').size).toBe(360);
  });

  it('accepts a complete resnet18 file, layer4 and a fine-tuned 15-class head included', () => {
    const meta = importWeights({
      file: 'r18.safetensors',
      arch: 'resnet18',
      dir: join(tmp, 'ok'),
      bytes: writeSafetensors(fullDict('resnet18', 15)),
    });
    expect(meta.tensors).toBe(75);
    expect(meta.ignoredTensors).toBeUndefined();
  });
});

describe('wrong architecture', () => {
  const r34 = writeSafetensors(fullDict('resnet34'));

  it('refuses a resnet34 checkpoint imported as resnet18, naming the extra tensors and the architecture it fits', () => {
    const dir = join(tmp, 'r34');
    const err = errorOf(() => importWeights({ file: 'resnet34.safetensors', arch: 'resnet18', dir, bytes: r34 }));
    expect(err.message).toBe(
      'resnet34.safetensors: 96 of the file\'s 218 tensors are not part of resnet18 ("layer1.2.conv1.weight", "layer1.2.bn1.weight", "layer1.2.bn1.bias" and 93 more); ' +
        'it looks like resnet34: import it with --arch resnet34, or pass --allow-extra to use only the resnet18 tensors',
    );
    expect(listWeights(dir)).toEqual([]);
  });

  it('accepts it with allowExtra, keeping the 75 resnet18 tensors and recording the 96 ignored', () => {
    const meta = importWeights({
      file: 'resnet34.safetensors',
      arch: 'resnet18',
      dir: join(tmp, 'extra'),
      bytes: r34,
      allowExtra: true,
    });
    expect({ tensors: meta.tensors, ignored: meta.ignoredTensors }).toEqual({ tensors: 75, ignored: 96 });
  });

  it('refuses efficientnet-b1 imported as efficientnet-b0 (same widths, more blocks)', () => {
    const err = errorOf(() =>
      importWeights({
        file: 'b1.safetensors',
        arch: 'efficientnet-b0',
        dir: join(tmp, 'b1'),
        bytes: writeSafetensors(fullDict('efficientnet-b1')),
      }),
    );
    expect(err.message).toMatch(
      /^b1\.safetensors: 148 of the file's 508 tensors are not part of efficientnet-b0 \("features\.1\.1\.block\.0\.0\.weight", .*; it looks like efficientnet-b1: import it with --arch efficientnet-b1/,
    );
  });

  it('refuses unrelated extra tensors without guessing an architecture', () => {
    const sd = fullDict('resnet18');
    sd.set('aux_head.weight', { shape: [4], data: new Float32Array(4) });
    const err = errorOf(() =>
      importWeights({ file: 'aux.safetensors', arch: 'resnet18', dir: join(tmp, 'aux'), bytes: writeSafetensors(sd) }),
    );
    expect(err.message).toBe(
      'aux.safetensors: 1 of the file\'s 123 tensors are not part of resnet18 ("aux_head.weight"); it is not a torchvision resnet18 state_dict, or pass --allow-extra to use only the resnet18 tensors',
    );
  });
});

describe('bad values', () => {
  const sd = fullDict('resnet18');
  const poisoned = (name: string, index: number, value: number): Uint8Array => {
    const data = (sd.get(name) as { data: Float32Array }).data;
    const old = data[index];
    data[index] = value;
    const bytes = writeSafetensors(sd);
    data[index] = old;
    return bytes;
  };

  it.each([
    [
      'layer2.0.conv1.weight',
      17,
      NaN,
      'tensor "layer2.0.conv1.weight" holds 1 NaN or infinite value(s) (the first at index 17, NaN)',
    ],
    [
      'bn1.running_mean',
      3,
      Infinity,
      'tensor "bn1.running_mean" holds 1 NaN or infinite value(s) (the first at index 3, Infinity)',
    ],
    [
      'fc.bias',
      999,
      -Infinity,
      'tensor "fc.bias" holds 1 NaN or infinite value(s) (the first at index 999, -Infinity)',
    ],
    [
      'layer3.1.bn2.running_var',
      5,
      -0.25,
      'tensor "layer3.1.bn2.running_var" holds a negative variance (-0.25 at index 5)',
    ],
  ])('refuses %s[%i] = %d, naming the tensor', (name, index, value, msg) => {
    const dir = join(tmp, `bad-${name}`);
    const err = errorOf(() =>
      importWeights({ file: 'bad.safetensors', arch: 'resnet18', dir, bytes: poisoned(name, index, value) }),
    );
    expect(err.message).toBe(`bad.safetensors: ${msg}: refusing broken weights`);
    expect(listWeights(dir)).toEqual([]);
  });
});

describe('weights files', () => {
  it('only regular files are read: /dev/zero and a directory are refused at once', () => {
    expect(errorOf(() => importWeights({ file: '/dev/zero', arch: 'resnet18', dir: join(tmp, 'dev') })).message).toBe(
      '/dev/zero: not a regular file: a weights file must be one',
    );
    expect(errorOf(() => importWeights({ file: tmp, arch: 'resnet18', dir: join(tmp, 'dev') })).message).toBe(
      `${tmp}: not a regular file: a weights file must be one`,
    );
  });
});

describe('wepadim weights import --allow-extra', () => {
  it('exits 2 for a deeper checkpoint, and 0 with --allow-extra, noting the ignored tensors', () => {
    const f = join(tmp, 'resnet34-to-layer3.safetensors');
    writeFileSync(f, writeSafetensors(truncatedDict('resnet34')));
    const env = { ...process.env, WEPADIM_WEIGHTS_DIR: join(tmp, 'cli') };
    const run = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/wepadim.js', 'weights', 'import', f, '--arch', 'resnet18', '--json', ...extra],
        { encoding: 'utf8', env },
      );
    const refused = run();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${f}: 84 of the file's 174 tensors are not part of resnet18`);
    const allowed = run('--allow-extra');
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stderr).toBe('note: ignored 84 tensors of the file that are not part of resnet18 (--allow-extra)\n');
    expect(JSON.parse(allowed.stdout)).toMatchObject([{ arch: 'resnet18', tensors: 75, ignoredTensors: 84 }]);
  });
});
