/** Reads the committed parity fixtures written by test/fixtures/make_engine_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StoredArray {
  dtype: 'f32' | 'f64' | 'u8';
  shape: number[];
  b64: string;
}

export function loadFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/engine/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function bytes(a: StoredArray): Buffer {
  return Buffer.from(a.b64, 'base64');
}

export function f32(a: StoredArray): Float32Array {
  if (a.dtype !== 'f32') throw new Error(`expected f32, got ${a.dtype}`);
  const b = bytes(a);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function f64(a: StoredArray): Float64Array {
  if (a.dtype !== 'f64') throw new Error(`expected f64, got ${a.dtype}`);
  const b = bytes(a);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function u8(a: StoredArray): Uint8Array {
  return new Uint8Array(bytes(a));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return m;
}

/** max |a-b| / max |b|: error relative to the largest reference value (float32 sums of many terms). */
export function relToMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]));
    mb = Math.max(mb, Math.abs(b[i]));
  }
  return m / mb;
}
