/** Helpers to read the torchvision parity fixtures written by test/fixtures/make_torchvision_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/torchvision/', import.meta.url));
export const fixturePath = (name: string): string => DIR + name;

export interface ParityTap {
  module: string;
  shape: number[];
  data: Float32Array;
}
interface ParityIndex {
  seed: number;
  input_seed: number;
  n: number;
  size: number;
  archs: Record<string, { module: string; shape: number[]; offset: number }[]>;
}
export interface ChecksumTap {
  module: string;
  shape: number[];
  mean: number;
  rms: number;
  sample_index: number[];
  samples: number[];
}
interface Checksums {
  seed: number;
  input_seed: number;
  n: number;
  size: number;
  archs: Record<string, ChecksumTap[]>;
  /** per arch: count and sha256 of the sorted "name:d0,d1,..." list of state_dict tensors up to the last tap */
  state_dict_keys: Record<string, { count: number; sha256: string }>;
}

export function parityFixture(): {
  seed: number;
  inputSeed: number;
  n: number;
  size: number;
  taps(arch: string): ParityTap[];
} {
  const idx = JSON.parse(readFileSync(fixturePath('parity.json'), 'utf8')) as ParityIndex;
  const bin = readFileSync(fixturePath('parity.bin'));
  return {
    seed: idx.seed,
    inputSeed: idx.input_seed,
    n: idx.n,
    size: idx.size,
    taps: (arch) =>
      idx.archs[arch].map((e) => {
        const len = e.shape.reduce((a, b) => a * b, 1);
        const data = new Float32Array(len);
        data.set(new Float32Array(bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + len * 4)));
        return { module: e.module, shape: e.shape, data };
      }),
  };
}

export function checksumFixture(): Checksums {
  return JSON.parse(readFileSync(fixturePath('checksums.json'), 'utf8')) as Checksums;
}

/** ||a - b|| / ||b|| */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}
