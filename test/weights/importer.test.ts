/** The .pth / .safetensors readers, the restricted unpickler, and the weights store. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { graphParams } from '../../worker/models/graph.js';
import { unpickle } from '../../worker/weights/pickle.js';
import { readStateDict } from '../../worker/weights/read-state-dict.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { writeSafetensors } from '../../worker/weights/safetensors.js';
import { seededTensor } from '../../worker/weights/seeded.js';
import { importWeights, listWeights, loadStoredWeights, resolveWeights } from '../../worker/weights/store.js';
import { fixturePath } from '../models/torchvision-fixtures.js';

const SEED = 1234; // the seed make_torchvision_fixtures.py used
const tmp = mkdtempSync(join(tmpdir(), 'wepadim-weights-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('reading torch-written state_dicts', () => {
  const specs = new Map(graphParams(backboneGraph('resnet18')).map((p) => [p.name, p]));
  it.each(['resnet18-partial.pth', 'resnet18-partial.safetensors'])(
    '%s holds exactly the seeded tensors torch saved',
    (f) => {
      const sd = readStateDict(fixturePath(f));
      expect([...sd.keys()].filter((k) => k.startsWith('layer1.0.conv'))).toEqual([
        'layer1.0.conv1.weight',
        'layer1.0.conv2.weight',
      ]);
      expect(sd.get('conv1.weight')?.shape).toEqual([64, 3, 7, 7]);
      expect(sd.get('bn1.num_batches_tracked')?.shape).toEqual([]);
      let checked = 0;
      for (const [name, t] of sd) {
        const spec = specs.get(name);
        if (!spec) continue;
        expect(t.shape).toEqual(spec.shape);
        expect(Array.from(t.data)).toEqual(Array.from(seededTensor(SEED, spec)));
        checked++;
      }
      expect(checked).toBe(15); // conv1, bn1 x4, layer1.0.{conv1, bn1 x4, conv2, bn2 x4}
    },
  );

  it('refuses a pickle that calls os.system, naming the global, without running it', () => {
    expect(() => readStateDict(fixturePath('evil.pth'))).toThrow(/refusing to unpickle.*posix\.system/);
  });

  it('refuses globals, INST and unknown opcodes in hand-made pickles', () => {
    const glob = Buffer.from('\x80\x02cbuiltins\neval\n(X\x01\x00\x00\x001tR.', 'latin1');
    expect(() => unpickle(glob, 'x.pkl')).toThrow(/builtins\.eval/);
    expect(() => unpickle(Buffer.from('i__builtin__\nobject\n.', 'latin1'), 'x.pkl')).toThrow(/opcode 0x69/);
    const ok = unpickle(
      Buffer.from('\x80\x02}q\x00(X\x01\x00\x00\x00aK\x07X\x01\x00\x00\x00b\x8a\x02\x00\x01u.', 'latin1'),
      'x.pkl',
    );
    expect(ok).toEqual({
      kind: 'dict',
      map: new Map<string, number>([
        ['a', 7],
        ['b', 256],
      ]),
    });
    // collections.OrderedDict([('w', 1.5)]) built from a list of pairs
    const od = unpickle(
      Buffer.from(
        '\x80\x02ccollections\nOrderedDict\n]q\x00X\x01\x00\x00\x00wG?\xf8\x00\x00\x00\x00\x00\x00\x86a\x85R.',
        'latin1',
      ),
      'x.pkl',
    );
    expect(od).toEqual({ kind: 'dict', map: new Map([['w', 1.5]]) });
  });

  it('names the file for truncated legacy torch files and for garbage', () => {
    const legacy = join(tmp, 'legacy.pth');
    writeFileSync(legacy, Buffer.from([0x80, 0x02, 0x8a, 0x0a]));
    expect(() => readStateDict(legacy)).toThrow(/legacy\.pth: malformed pickle/);
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, 'hello world');
    expect(() => readStateDict(junk)).toThrow(UserError);
  });
});

describe('weights store', () => {
  const g = backboneGraph('resnet18');

  it('names the first missing tensor when a state_dict is incomplete', () => {
    expect(() => importWeights({ file: fixturePath('resnet18-partial.pth'), arch: 'resnet18', dir: tmp })).toThrow(
      /resnet18-partial\.pth: tensor "layer1\.1\.conv1\.weight" is missing/,
    );
  });

  it('names a tensor with the wrong shape', () => {
    const sd = randomStateDict(g, 3);
    sd.set('layer2.0.conv1.weight', { shape: [128, 64, 1, 1], data: new Float32Array(128 * 64) });
    const f = join(tmp, 'bad-shape.safetensors');
    writeFileSync(f, writeSafetensors(sd));
    expect(() => importWeights({ file: f, arch: 'resnet18', dir: tmp })).toThrow(
      /"layer2\.0\.conv1\.weight" has shape \[128, 64, 1, 1\], expected \[128, 64, 3, 3\]/,
    );
  });

  it('stores once by content hash, resolves by prefix and tag, and loads back identical tensors', () => {
    const sd = randomStateDict(g, 11);
    // the same weights in a different key order plus an extra tensor: same canonical content, same id
    const f1 = join(tmp, 'resnet18-f37072fd.pth.safetensors');
    const f2 = join(tmp, 'shuffled.safetensors');
    writeFileSync(f1, writeSafetensors(sd));
    const shuffled = new Map([...sd].reverse());
    shuffled.set('fc.weight', { shape: [2, 512], data: new Float32Array(1024) }); // a fine-tuned 2-class head: part of resnet18, not used
    writeFileSync(f2, writeSafetensors(shuffled));
    const a = importWeights({ file: f1, arch: 'resnet18', dir: tmp, tag: 'IMAGENET1K_V1' });
    const b = importWeights({ file: f2, arch: 'resnet18', dir: tmp });
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(listWeights(tmp).map((m) => m.id)).toEqual([a.id]);
    expect(resolveWeights('imagenet', 'resnet18', tmp).id).toBe(a.id);
    expect(resolveWeights(`sha256:${a.id.slice(7, 19)}`, 'resnet18', tmp).id).toBe(a.id);
    expect(() => resolveWeights(`sha256:${a.id.slice(7, 19)}`, 'resnet34', tmp)).toThrow(
      /are for resnet18, not resnet34/,
    );
    const back = loadStoredWeights(a, tmp);
    expect(back.size).toBe(graphParams(g).length);
    expect(Array.from(back.get('layer3.1.bn2.running_var')!.data)).toEqual(
      Array.from(sd.get('layer3.1.bn2.running_var')!.data),
    );
    // a corrupted store is detected
    const stored = join(tmp, `${a.id.slice(7)}.safetensors`);
    const bytes = readFileSync(stored);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(stored, bytes);
    expect(() => loadStoredWeights(a, tmp)).toThrow(/hash mismatch/);
  });

  it('explains how to get ImageNet weights when they are absent', () => {
    expect(() => resolveWeights('imagenet', 'efficientnet-b0', tmp)).toThrow(
      /wepadim weights fetch efficientnet-b0.*wepadim weights import efficientnet_b0_rwightman-3dd342df\.pth --arch efficientnet-b0/,
    );
  });
});
