/** Corrupted .pth / .safetensors input must end in a UserError naming the file (or a value), never another crash. */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { unpickle } from '../../worker/weights/pickle.js';
import { readPth } from '../../worker/weights/pth.js';
import { parseStateDict } from '../../worker/weights/read-state-dict.js';
import { mix32 } from '../../worker/weights/seeded.js';
import { fixturePath } from '../models/torchvision-fixtures.js';

describe('corrupt weights files', () => {
  const zip = unzipSync(readFileSync(fixturePath('resnet18-partial.pth')));
  const pklName = Object.keys(zip).find((k) => k.endsWith('data.pkl'));
  const pkl = zip[pklName as string];

  it('the clean pickle decodes to a dict of 18 tensors', () => {
    const v = unpickle(pkl, 'x') as { kind: string; map: Map<string, unknown> };
    expect(v.kind).toBe('dict');
    expect(v.map.size).toBe(18);
  });

  it('400 seeded corruptions (byte flips, truncations) all give UserError or a value', () => {
    let errors = 0;
    for (let k = 0; k < 400; k++) {
      const buf = Uint8Array.from(pkl);
      const r = mix32(77, k);
      let cut = buf;
      if (k % 4 === 0) cut = buf.subarray(0, r % buf.length);
      else for (let j = 0; j < 1 + (r % 3); j++) buf[mix32(r, j) % buf.length] = mix32(r, j + 10) & 0xff;
      try {
        unpickle(cut, 'x.pkl');
      } catch (e) {
        expect(e, `case ${k}: ${(e as Error).message}`).toBeInstanceOf(UserError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it('safetensors with a broken header entry or offsets past the end is a UserError naming the tensor', () => {
    const make = (header: object): Uint8Array => {
      const h = Buffer.from(JSON.stringify(header));
      const b = Buffer.alloc(8 + h.length + 8);
      b.writeBigUInt64LE(BigInt(h.length), 0);
      h.copy(b, 8);
      return b;
    };
    expect(() => parseStateDict(make({ w: { dtype: 'F32', data_offsets: [0, 8] } }), 'a.safetensors')).toThrow(
      /a\.safetensors: tensor "w": header entry needs/,
    );
    expect(() =>
      parseStateDict(make({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), 'b.safetensors'),
    ).toThrow(/tensor "w": data offsets \[0, 16\] outside the file/);
    expect(() =>
      parseStateDict(make({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }), 'c.safetensors'),
    ).toThrow(/tensor "w": storage too short/);
    expect(() =>
      parseStateDict(make({ w: { dtype: 'U8', shape: [8], data_offsets: [0, 8] } }), 'd.safetensors'),
    ).toThrow(/unsupported dtype U8/);
  });

  it('200 seeded corruptions of a legacy-format .pth all give UserError or a value', () => {
    const clean = readFileSync(fixturePath('dtypes-legacy.pth'));
    for (let k = 0; k < 200; k++) {
      const buf = Uint8Array.from(clean);
      const r = mix32(91, k);
      let cut = buf;
      if (k % 4 === 0) cut = buf.subarray(0, 1 + (r % (buf.length - 1)));
      else buf[r % buf.length] = mix32(r, 1) & 0xff;
      try {
        parseStateDict(cut, 'old.pth');
      } catch (e) {
        expect(e, `case ${k}: ${(e as Error).message}`).toBeInstanceOf(UserError);
      }
    }
  });

  it('a truncated zip is a UserError naming the file', () => {
    const whole = readFileSync(fixturePath('resnet18-partial.pth'));
    expect(() => readPth(whole.subarray(0, 1000), 'cut.pth')).toThrow(/^cut\.pth: /);
  });
});
